// A model's whole state as one comparable string of bits: built or not, disposed or not, every weight,
// the compiled optimizer (class, step count, learning rate, every slot) and the PRNG streams training
// continues (shuffling, each layer's stream), and each Normalization's statistics (params: state too). The fuzzers compare it before and after a call that failed.
export function stateOf(m) {
  if (!m) return "none";
  if (m.isDisposed) return "disposed";
  const r = m.runner;
  if (!r) return `unbuilt ${m.layers.length} layers`;
  const words = [];
  const put = (ptr, n, kind) => words.push(Array.from(kind === "f" ? r.arena.f32(ptr, n) : r.arena.i32(ptr, n), (v) => (kind === "f" ? floatBits(v) : v >>> 0).toString(16)).join(","));
  for (const p of r.params) {
    put(p.value, p.size, "f");
    for (const s of p.slots) put(s, p.size, "f");
  }
  put(r.shuffleState, 4, "i");
  for (const l of m.layers) if (l.rng) put(l.rng, 4, "i"); // every layer's PRNG stream (dropout's)
  const c = m.compiled;
  const opt = c ? `${c.optimizer.className} ${c.optimizer.iterations} ${c.optimizer.learningRate} ${JSON.stringify(c.loss)} ${c.metrics.map((x) => x.name)}` : "uncompiled";
  return `${opt}|${words.join("|")}`;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function floatBits(v) {
  f32[0] = v;
  return u32[0];
}
