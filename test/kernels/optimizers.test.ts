// Optimizer kernels: 5-step golden trajectories from PyTorch 1.13 and from the Keras formulas
// (test/fixtures/make_optimizer_fixtures.py), single steps against float64 on every size, and the
// regularization and clipping kernels.
import { describe, expect, it } from "vitest";
import { BUILDS, loadEngine, Scratch } from "../helpers/engines.js";
import { expectClose, expectSameBits, randomArray } from "../helpers/check.js";
import { adamCoefficients } from "../../src/optim/coefficients.js";
import { projectUrl, readJson } from "../helpers/files.js";

interface Fixture {
  w0: number[];
  grads: number[][];
  cases: { name: string; source: "torch" | "keras-formula"; optimizer: string; config: Record<string, any>; traj: number[][] }[];
}
const FIX = await readJson<Fixture>(projectUrl("test/fixtures/optimizers.json"));
const f32 = Math.fround;

/** Runs one fixture case through the kernels; returns the weights after each step. */
function trajectory(s: Scratch, c: Fixture["cases"][number]): Float32Array[] {
  s.reset();
  const n = FIX.w0.length, k = s.k, cfg = c.config;
  const w = s.put(FIX.w0), g = s.alloc(n);
  const slot = () => s.put(new Float32Array(n));
  const a = slot(), b = slot(), d = slot();
  const keras = c.source === "keras-formula";
  if (c.optimizer === "Adagrad") s.arena.f32(a, n).fill(cfg.initial_accumulator_value ?? 0);
  const out: Float32Array[] = [];
  FIX.grads.forEach((grad, step) => {
    s.arena.f32(g, n).set(grad);
    const t = step + 1;
    switch (c.optimizer) {
      case "SGD":
        if (cfg.momentum) k.opt_momentum(w, g, a, n, cfg.lr, cfg.momentum, cfg.nesterov ? 1 : 0);
        else k.opt_sgd(w, g, n, cfg.lr);
        break;
      case "Adam": case "AdamW": {
        const [b1, b2] = cfg.betas ?? [0.9, 0.999];
        const [alpha, cc] = adamCoefficients(cfg.lr, b1, b2, t, keras ? "keras" : "torch");
        const decay = c.optimizer === "AdamW" ? 1 - cfg.lr * (cfg.weight_decay ?? 0.01) : 1;
        k.opt_adam(w, g, a, b, n, alpha, b1, 1 - b1, b2, 1 - b2, cfg.eps ?? 1e-8, cc, decay);
        break;
      }
      case "RMSprop": {
        const rho = cfg.alpha ?? 0.99;
        k.opt_rmsprop(w, g, a, b, d, n, cfg.lr, rho, 1 - rho, cfg.eps ?? 1e-8, cfg.momentum ?? 0, cfg.centered ? 1 : 0, keras ? 1 : 0);
        break;
      }
      case "Adagrad":
        k.opt_adagrad(w, g, a, n, cfg.lr, cfg.eps ?? 1e-10, keras ? 1 : 0);
        break;
      default:
        throw new Error(`fixture names an unknown optimizer ${c.optimizer}`);
    }
    out.push(s.get(w, n));
  });
  return out;
}

describe.each(BUILDS)("optimizers (%s build)", (build) => {
  it.each(FIX.cases.map((c) => [c.name, c] as const))("golden 5-step trajectory: %s", async (_name, c) => {
    const s = new Scratch(await loadEngine(build));
    const got = trajectory(s, c);
    // Float32 updates in a different operation order than PyTorch's: a few ulps of w per step.
    got.forEach((w, step) => expectClose(w, c.traj[step], (i) => 2e-6 * Math.max(1, Math.abs(c.traj[step][i])), `${c.name}, step ${step + 1}`));
  });

  it("single steps match float64 on every size (vector body and scalar tail)", async () => {
    const s = new Scratch(await loadEngine(build));
    for (const n of [0, 1, 3, 4, 5, 8, 13, 1001]) {
      s.reset();
      const w0 = randomArray(n, n + 1), g = randomArray(n, n + 2), m0 = randomArray(n, n + 3), v0 = randomArray(n, n + 4, 0, 1);
      const pw = s.put(w0), pg = s.put(g), pm = s.put(m0), pv = s.put(v0);
      const tol = (want: Float64Array) => (i: number) => 8 * 2 ** -24 * Math.max(1, Math.abs(want[i]));
      // Momentum with Nesterov.
      s.k.opt_momentum(pw, pg, pm, n, 0.05, 0.9, 1);
      const v1 = Float64Array.from(m0, (m, i) => f32(0.9) * m + g[i]);
      let want = Float64Array.from(w0, (w, i) => w - f32(0.05) * (g[i] + f32(0.9) * v1[i]));
      expectClose(s.get(pm, n), v1, tol(v1), `momentum slot n=${n}`);
      expectClose(s.get(pw, n), want, tol(want), `nesterov n=${n}`);
      // AdamW, Keras coefficients at t = 3.
      s.arena.f32(pw, n).set(w0); s.arena.f32(pm, n).set(m0);
      const [a, c] = adamCoefficients(0.01, 0.9, 0.999, 3, "keras");
      s.k.opt_adam(pw, pg, pm, pv, n, a, 0.9, 0.1, 0.999, 0.001, 1e-7, c, 1 - 0.01 * 0.004);
      const m1 = Float64Array.from(m0, (m, i) => f32(0.9) * m + f32(0.1) * g[i]);
      const vv = Float64Array.from(v0, (v, i) => f32(0.999) * v + f32(0.001) * g[i] * g[i]);
      want = Float64Array.from(w0, (w, i) => w * f32(1 - 0.01 * 0.004) - (f32(a) * m1[i]) / (Math.sqrt(vv[i]) * f32(c) + f32(1e-7)));
      expectClose(s.get(pw, n), want, (i) => 1e-6 * Math.max(1, Math.abs(want[i])), `adamw n=${n}`);
      // Clipping, scaling and the reductions.
      s.arena.f32(pw, n).set(w0);
      s.k.clip_value(pw, n, -0.5, 0.25);
      expectClose(s.get(pw, n), Array.from(w0, (x) => Math.min(Math.max(x, -0.5), 0.25)), 0, `clip_value n=${n}`);
      s.k.scale(pw, n, 3);
      expectClose(s.get(pw, n), Array.from(w0, (x) => f32(Math.min(Math.max(x, -0.5), 0.25) * 3)), 0, `scale n=${n}`);
      const vNow = s.get(pv, n), ss = vNow.reduce((acc, x) => acc + x * x, 0);
      expect(Math.abs(s.k.sum_squares(pv, n) - ss)).toBeLessThanOrEqual(1e-12 * (1 + ss));
      // Regularization: gradient and penalty.
      s.arena.f32(pw, n).set(w0); s.arena.f32(pg, n).set(g);
      s.k.reg_grad(pw, pg, n, 0.01, 0.02);
      const rg = Float64Array.from(g, (gi, i) => gi + f32(0.01) * Math.sign(w0[i]) + f32(0.04) * w0[i]);
      expectClose(s.get(pg, n), rg, tol(rg), `reg_grad n=${n}`);
      const pen = w0.reduce((acc, x) => acc + 0.01 * Math.abs(x) + 0.02 * x * x, 0);
      expect(Math.abs(s.k.reg_penalty(pw, n, 0.01, 0.02) - pen)).toBeLessThanOrEqual(1e-12 * (1 + pen));
    }
  });

  it("reg_grad: sign(0) = 0, so a zero weight gets only its gradient", async () => {
    const s = new Scratch(await loadEngine(build));
    const pw = s.put([0, 0, 0, 0, 0]), pg = s.put([1, 2, 3, 4, 5]);
    s.k.reg_grad(pw, pg, 5, 0.5, 0.5);
    expect(Array.from(s.get(pg, 5))).toEqual([1, 2, 3, 4, 5]);
  });
});

describe("optimizers across builds", () => {
  it("the SIMD and scalar builds give the same bits for every golden trajectory", async () => {
    const [a, b] = [new Scratch(await loadEngine("simd")), new Scratch(await loadEngine("scalar"))];
    for (const c of FIX.cases) trajectory(a, c).forEach((w, i) => expectSameBits(w, trajectory(b, c)[i], c.name));
  });
});
