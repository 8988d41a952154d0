// Preloaded (node --import) into the TF.js program of test/examples/tfjs-port.test.ts: Math.random
// becomes a seeded generator (mulberry32), so that TF.js's initializers, dropout and shuffling, which
// draw their seeds from it, give the same run every time, as myelin's seeded run does.
let s = Number(process.env.MYELIN_MATH_RANDOM_SEED ?? 1) >>> 0;
Math.random = () => {
  s = (s + 0x6d2b79f5) >>> 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
