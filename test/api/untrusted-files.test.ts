// Model files are untrusted input: a crafted model.json or checkpoint must not read a file outside the
// model's folder, make the loader allocate what the weights do not fill, load a training state that turns
// the weights into NaN or spins a kernel forever, or nest deep enough to overflow the stack on save.
// Each test is named after the promise it keeps (issue 12).
import { afterEach, describe, expect, it, vi } from "vitest";
import { layers, loadLayersModel, optimizers, sequential, setSeed, type ModelArtifacts, type Sequential } from "../../src/index.js";
import { isNode, serveFiles } from "../helpers/files.js";
import { rng } from "../helpers/check.js";

function model(seed = 1) {
  setSeed(seed);
  return sequential({
    layers: [
      layers.dense({ units: 6, activation: "relu", inputShape: [4] }),
      layers.dropout({ rate: 0.25 }),
      layers.dense({ units: 3, activation: "softmax" }),
    ],
  });
}

function data(n: number, seed: number) {
  const r = rng(seed);
  const x = Array.from({ length: n }, () => [r(), r(), r(), r()]);
  return { x, y: x.map((v) => (v[0] > v[1] ? 0 : v[2] > 0.5 ? 1 : 2)) };
}

const bits = (m: Sequential) => m.getWeights().map((w) => Array.from(new Uint32Array(w.data.slice().buffer)));

async function checkpoint(): Promise<ModelArtifacts> {
  const { x, y } = data(64, 3);
  const m = model(4);
  m.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: "sparseCategoricalCrossentropy" });
  await m.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
  return (await m.save("memory", { includeOptimizer: true })).artifacts!;
}

/** A copy of the artifacts with one saved tensor's bytes rewritten. */
function edit(a: ModelArtifacts, name: string, write: (bytes: ArrayBuffer) => void): ModelArtifacts {
  let off = 0;
  const data = a.weightData.slice(0);
  for (const s of a.weightSpecs) {
    const n = 4 * s.shape.reduce((p, d) => p * d, 1);
    if (s.name === name) {
      const part = data.slice(off, off + n);
      write(part);
      new Uint8Array(data).set(new Uint8Array(part), off);
      return { ...a, weightData: data };
    }
    off += n;
  }
  throw new Error(`no saved tensor ${name}; have ${a.weightSpecs.map((s) => s.name).join(", ")}`);
}

describe("a checkpoint's training state is validated before it is used", () => {
  it("the saved names this file edits exist (Adam slots, step count, PRNG states)", async () => {
    const names = (await checkpoint()).weightSpecs.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(["iter", "myelin/rng/shuffle", `${names[0]}/m`, `${names[0]}/v`]));
    expect(names.some((n) => /^myelin\/rng\/dropout/.test(n))).toBe(true);
  });

  it("a zeroed or even-increment PRNG state is refused (it was a shuffle that never returned)", async () => {
    const a = await checkpoint();
    const dropout = a.weightSpecs.find((s) => s.name.startsWith("myelin/rng/dropout"))!.name;
    for (const name of ["myelin/rng/shuffle", dropout]) {
      await expect(loadLayersModel(edit(a, name, (b) => new Int32Array(b).fill(0)))).rejects.toThrow(new RegExp(`${name} is not a PCG32 state \\(its increment must be odd\\)`));
      await expect(loadLayersModel(edit(a, name, (b) => (new Int32Array(b)[2] = 0x7ffffffe)))).rejects.toThrow(/is not a PCG32 state/);
    }
  });

  it("a negative step count is refused (it made the first step's bias correction NaN)", async () => {
    const a = await checkpoint();
    await expect(loadLayersModel(edit(a, "iter", (b) => (new Int32Array(b)[0] = -5)))).rejects.toThrow(/saved training state iter must be a non-negative step count; received -5/);
  });

  it("slots that are NaN, infinite, or negative where they are sums of squares are refused", async () => {
    const a = await checkpoint();
    const k = a.weightSpecs[0].name;
    await expect(loadLayersModel(edit(a, `${k}/m`, (b) => (new Float32Array(b)[3] = NaN)))).rejects.toThrow(new RegExp(`${k}/m holds NaN at index 3; it must be finite$`));
    await expect(loadLayersModel(edit(a, `${k}/v`, (b) => (new Float32Array(b)[1] = -1e-3)))).rejects.toThrow(new RegExp(`${k}/v holds -0.001\\d* at index 1; it must be finite and not negative`));
    await expect(loadLayersModel(edit(a, `${k}/v`, (b) => (new Float32Array(b)[0] = Infinity)))).rejects.toThrow(/holds Infinity at index 0/);
    // A first moment may be negative: that is a real state and it loads.
    const ok = await loadLayersModel(edit(a, `${k}/m`, (b) => (new Float32Array(b)[0] = -0.5)));
    expect(ok.countParams()).toBe(51);
  });

  it("centered RMSprop's mean square below the square of its mean gradient is refused (the next step's root was NaN)", async () => {
    const { x, y } = data(64, 3);
    const m = model(4);
    m.compile({ optimizer: optimizers.rmsprop({ learningRate: 0.01, centered: true, convention: "torch" }), loss: "sparseCategoricalCrossentropy" });
    await m.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0 });
    const a = (await m.save("memory", { includeOptimizer: true })).artifacts!;
    const k = a.weightSpecs[0].name;
    // As saved, it loads (a state training reached); with the mean square zeroed, it is refused.
    expect((await loadLayersModel(a)).countParams()).toBe(51);
    await expect(loadLayersModel(edit(a, `${k}/rms`, (b) => new Float32Array(b).fill(0)))).rejects.toThrow(new RegExp(`${k}/rms holds 0 at index \\d+, below the square of ${k}/mg .*not a state centered RMSprop can reach`));
  });

  it("a training state of the wrong size or type is refused", async () => {
    const a = await checkpoint();
    const specs = (f: (s: ModelArtifacts["weightSpecs"][number]) => ModelArtifacts["weightSpecs"][number]) => ({ ...a, weightSpecs: a.weightSpecs.map(f) });
    await expect(loadLayersModel(specs((s) => (s.name === "iter" ? { ...s, dtype: "float32" } : s)))).rejects.toThrow(/saved training state iter must have shape \[\] and dtype int32; received shape \[\] of float32/);
    // The same byte count in another shape is refused too: a slot has its parameter's shape.
    const k = a.weightSpecs[0].name;
    await expect(loadLayersModel(specs((s) => (s.name === `${k}/m` ? { ...s, shape: [24] } : s)))).rejects.toThrow(new RegExp(`${k}/m must have shape \\[4,6\\] and dtype float32; received shape \\[24\\]`));
    await expect(loadLayersModel(specs((s) => (s.name === "myelin/rng/shuffle" ? { ...s, shape: [2, 2] } : s)))).rejects.toThrow(/myelin\/rng\/shuffle must have shape \[4\]/);
  });
});

describe("model.json is checked before anything is allocated", () => {
  afterEach(() => vi.restoreAllMocks());

  it("a tiny file declaring huge layers is refused without growing any memory", async () => {
    const a = (await model().save("memory")).artifacts!;
    const t = JSON.parse(JSON.stringify(a.modelTopology));
    t.config.layers[0].config.units = 12_000;
    t.config.layers[0].config.batch_input_shape = [null, 12_000]; // 144 M weights: 1.2 GB had the loader built it
    const grow = vi.spyOn(WebAssembly.Memory.prototype, "grow");
    await expect(loadLayersModel({ ...a, modelTopology: t })).rejects.toThrow(/has shape \[4,6\]; the topology's .*kernel needs \[12000,12000\]/);
    const pages = grow.mock.calls.reduce((s, c) => s + Number(c[0]), 0);
    expect(pages * 65536).toBeLessThan(1 << 20);
  });

  it("a manifest declaring more than 2 GiB of weights is refused before reading", async () => {
    const a = (await model().save("memory")).artifacts!;
    const huge = Array.from({ length: 12 }, (_, i) => ({ name: `w${i}`, shape: [1 << 14, 1 << 14], dtype: "float32" as const }));
    const server = await serveFiles({ "/m/model.json": json({ modelTopology: a.modelTopology, weightsManifest: [{ paths: ["w.bin"], weights: huge }] }) });
    try {
      await expect(loadLayersModel(`${server.url}/m/model.json`)).rejects.toThrow(/the manifest declares more than 2147483648 bytes of weights/);
    } finally {
      server.close();
    }
  });

  it("50,000 weight file paths, repeated paths and encoded or absolute paths are refused", async () => {
    const a = (await model().save("memory")).artifacts!;
    const m = (paths: unknown[]) => json({ modelTopology: a.modelTopology, weightsManifest: [{ paths, weights: a.weightSpecs }] });
    const server = await serveFiles({
      "/many/model.json": m(Array.from({ length: 50_000 }, () => "w.bin")),
      "/twice/model.json": m(["w.bin", "w.bin"]),
      "/enc/model.json": m(["%2e%2e/secret.bin"]),
      "/enc2/model.json": m(["sub%2f..%2f..%2fsecret.bin"]),
      "/abs/model.json": m(["/etc/passwd"]),
      "/url/model.json": m(["http://elsewhere.test/w.bin"]),
      "/proto/model.json": m(["//elsewhere.test/w.bin"]),
      "/num/model.json": m([7]),
      "/w.bin": new Uint8Array(a.weightData),
    });
    try {
      await expect(loadLayersModel(`${server.url}/many/model.json`)).rejects.toThrow(/lists 50000 weight files; at most 4096 are read/);
      await expect(loadLayersModel(`${server.url}/twice/model.json`)).rejects.toThrow(/weight file "w.bin" is listed twice/);
      for (const d of ["enc", "enc2", "abs", "url", "proto", "num"]) {
        await expect(loadLayersModel(`${server.url}/${d}/model.json`), d).rejects.toThrow(/must be a plain relative name \(no "\.\.", "%", absolute path or URL\)/);
      }
    } finally {
      server.close();
    }
  });

  it("weight files longer than the manifest declares are refused while streaming, not after", async () => {
    const a = (await model().save("memory")).artifacts!;
    const big = new Uint8Array(8 << 20); // 8 MB where 204 bytes are declared
    const server = await serveFiles({ "/m/model.json": json({ modelTopology: a.modelTopology, weightsManifest: [{ paths: ["w.bin"], weights: a.weightSpecs }] }), "/m/w.bin": big });
    try {
      await expect(loadLayersModel(`${server.url}/m/model.json`)).rejects.toThrow(/weight file w.bin: the weight files hold more bytes than the manifest's weights need/);
    } finally {
      server.close();
    }
  });

  it("JSON nested 10,000 levels deep is refused (it loaded, then save overflowed the stack)", async () => {
    const a = (await model().save("memory")).artifacts!;
    const t = JSON.parse(JSON.stringify(a.modelTopology));
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 10_000; i++) deep = (deep.a = {}) as Record<string, unknown>;
    t.config.layers[0].config.kernel_initializer = { class_name: "GlorotUniform", config: root };
    await expect(loadLayersModel({ ...a, modelTopology: t })).rejects.toThrow(/modelTopology nests more than 64 levels deep/);
    await expect(loadLayersModel({ ...a, trainingConfig: { loss: "mse", optimizer_config: { class_name: "SGD", config: root } } } as ModelArtifacts)).rejects.toThrow(/trainingConfig nests more than 64 levels deep/);
    const text = `{"modelTopology":${"[".repeat(5000)}${"]".repeat(5000)},"weightsManifest":[]}`;
    const server = await serveFiles({ "/m/model.json": new TextEncoder().encode(text) });
    try {
      await expect(loadLayersModel(`${server.url}/m/model.json`)).rejects.toThrow(/model.json nests more than 64 levels deep/);
    } finally {
      server.close();
    }
  });

  it("config: null in an initializer, a regularizer or the optimizer loads with the defaults", async () => {
    const m = model();
    m.compile({ optimizer: "sgd", loss: "meanSquaredError" });
    const a = (await m.save("memory", { includeOptimizer: true })).artifacts!;
    const t = JSON.parse(JSON.stringify(a.modelTopology));
    t.config.layers[0].config.kernel_initializer = { class_name: "GlorotUniform", config: null };
    t.config.layers[0].config.kernel_regularizer = { class_name: "L2", config: null };
    const tc = { ...a.trainingConfig!, optimizer_config: { class_name: "SGD", config: null } } as unknown as ModelArtifacts["trainingConfig"];
    const back = await loadLayersModel({ ...a, modelTopology: t, trainingConfig: tc });
    expect(bits(back)).toEqual(bits(m));
    await expect(back.save("memory")).resolves.toBeDefined();
    await expect(loadLayersModel({ ...a, trainingConfig: { ...a.trainingConfig!, optimizer_config: null } } as unknown as ModelArtifacts)).rejects.toThrow(/optimizer_config must be \{ class_name, config \}; received null/);
  });
});

describe.skipIf(!isNode)("weight files on disk stay inside the model's folder (Node)", () => {
  async function folder(paths: string[] = ["w.bin"]) {
    const fs = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const root = fs.mkdtempSync(join(tmpdir(), "myelin-untrusted-"));
    const dir = join(root, "m");
    fs.mkdirSync(dir);
    const a = (await model().save("memory")).artifacts!;
    fs.writeFileSync(join(root, "secret.bin"), new Uint8Array(a.weightData)); // the right size: only the path check stops it
    fs.writeFileSync(join(dir, "model.json"), JSON.stringify({ modelTopology: a.modelTopology, weightsManifest: [{ paths, weights: a.weightSpecs }] }));
    return { fs, join, root, dir, a };
  }

  it("a percent-encoded ../ is refused for paths and file:// URLs alike", async () => {
    const { dir } = await folder(["%2e%2e/secret.bin"]);
    for (const src of [dir, `file://${dir}/model.json`]) await expect(loadLayersModel(src)).rejects.toThrow(/must be a plain relative name/);
  });

  it("a symlink that leaves the folder is refused; one that stays inside loads", async () => {
    const { fs, join, root, dir, a } = await folder();
    fs.symlinkSync(join(root, "secret.bin"), join(dir, "w.bin"));
    await expect(loadLayersModel(dir)).rejects.toThrow(/weight file "w.bin" is a link to a file outside the model's folder/);
    fs.rmSync(join(dir, "w.bin"));
    fs.writeFileSync(join(dir, "real.bin"), new Uint8Array(a.weightData));
    fs.symlinkSync(join(dir, "real.bin"), join(dir, "w.bin"));
    expect(bits(await loadLayersModel(dir))).toEqual(bits(model()));
  });

  it("a model folder reached through a symlink still loads", async () => {
    const { fs, join, root, dir, a } = await folder();
    fs.writeFileSync(join(dir, "w.bin"), new Uint8Array(a.weightData));
    fs.symlinkSync(dir, join(root, "alias"));
    expect(bits(await loadLayersModel(join(root, "alias")))).toEqual(bits(model()));
  });

  it("directories, FIFOs and device files are refused without being read", async () => {
    const { fs, join, dir } = await folder();
    fs.mkdirSync(join(dir, "w.bin"));
    await expect(loadLayersModel(dir)).rejects.toThrow(/weight file "w.bin" is not a regular file/);
    fs.rmdirSync(join(dir, "w.bin"));
    const { execFileSync } = await import("node:child_process");
    execFileSync("mkfifo", [join(dir, "w.bin")]); // opening one for reading would wait for a writer forever
    await expect(loadLayersModel(dir)).rejects.toThrow(/weight file "w.bin" is not a regular file/);
    fs.rmSync(join(dir, "w.bin"));
    fs.symlinkSync("/dev/zero", join(dir, "w.bin"));
    await expect(loadLayersModel(dir)).rejects.toThrow(/is a link to a file outside the model's folder/);
  });

  it("an 8 GB (sparse) weights file is refused from its size, never read", async () => {
    const { fs, join, dir } = await folder();
    const fd = fs.openSync(join(dir, "w.bin"), "w");
    fs.ftruncateSync(fd, 8 * 2 ** 30);
    fs.closeSync(fd);
    const before = process.memoryUsage().arrayBuffers;
    await expect(loadLayersModel(dir)).rejects.toThrow(/weight file w.bin: the weight files hold more bytes than the manifest's weights need \(204\)/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 << 20);
  });
});

const json = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));
