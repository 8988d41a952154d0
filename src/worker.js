// A thread of myelin's pool (src/pool.ts starts it): Node, Deno and Bun run it as a worker_threads
// Worker, browsers as a module Web Worker. It holds one instance of the threads build per model, each on
// that model's shared memory, and runs tasks of the jobs the main thread publishes in the control block.
// Plain JavaScript with no imports, so every runtime loads it as it is, from src/ or dist/.
//
// Protocol (the control block's word indices come in the "start" message, from src/pool.ts):
// - a job is published when SEQ becomes even and new; a worker enters it (ACTIVE + 1), checks that SEQ
//   did not move, claims task indices from NEXT until they run out, adds 1 to DONE per task, and leaves
//   (ACTIVE - 1). The main thread makes SEQ odd and waits for ACTIVE = 0 before it writes the next job.
// - messages (attach and detach a model) are announced by MAIL[slot]: a worker in its wait loop
//   returns to the event loop when more messages were posted than it has handled.
// - a worker spins for a few milliseconds between jobs (the jobs of a training step come microseconds
//   to a fraction of a millisecond apart), then sleeps in Atomics.wait on SEQ, counted in SLEEPERS so
//   the main thread knows to notify. The clock only bounds the idle spin; it never touches the numbers.

const nodePort = globalThis.process?.getBuiltinModule?.("node:worker_threads")?.parentPort;
const instances = new Map(); // model id -> the threads build's exports on that model's memory
let ctrl; // Int32Array over the control block
let L; // word indices
let slot = 0; // this worker's workspace slot (the main thread is slot 0)
let module; // the threads build, compiled once by the main thread
let handled = 0; // messages handled
let seen = 0; // the last SEQ this worker looked at

function onMessage(msg) {
  handled++;
  switch (msg.type) {
    case "start":
      ctrl = new Int32Array(msg.ctrl);
      L = msg.layout;
      slot = msg.slot;
      module = msg.module;
      seen = Atomics.load(ctrl, L.SEQ);
      reply({ type: "ready", slot });
      break;
    case "attach":
      instances.set(msg.id, new WebAssembly.Instance(module, { env: { memory: msg.memory } }).exports);
      break;
    case "detach":
      instances.delete(msg.id);
      break;
  }
  loop();
}

function reply(msg) {
  if (nodePort) nodePort.postMessage(msg);
  else self.postMessage(msg);
}

/** Runs jobs until a message is waiting (then returns, so that the event loop delivers it). */
function loop() {
  const c = ctrl;
  const mail = L.MAIL + slot - 1;
  for (;;) {
    let s = 0;
    let since = 0;
    for (let spins = 1; ; spins++) {
      if (Atomics.load(c, mail) > handled) return;
      s = Atomics.load(c, L.SEQ);
      if (s !== seen && (s & 1) === 0) break;
      // Spin for SPIN_MS by the clock (a count of polls would last as long as the JIT makes them), then
      // sleep. The clock is read only after CLOCK_POLLS polls: the gaps between a training step's jobs are
      // shorter, and reading it allocates (in Node, an array and a boxed double).
      if (spins >= L.CLOCK_POLLS && (spins & 1023) === 0) {
        if (since === 0) since = performance.now();
        else if (performance.now() - since > L.SPIN_MS) {
          Atomics.add(c, L.SLEEPERS, 1);
          Atomics.wait(c, L.SEQ, s);
          Atomics.sub(c, L.SLEEPERS, 1);
          since = 0;
          spins = 0;
        }
      }
    }
    seen = s;
    Atomics.add(c, L.ACTIVE, 1);
    if (Atomics.load(c, L.SEQ) === s && slot < c[L.LIMIT]) {
      const k = instances.get(c[L.MODEL]);
      if (k) {
        const rec = c[L.REC], n = c[L.NTASKS];
        const work = c[L.WORK] + slot * c[L.STRIDE];
        for (let t = Atomics.add(c, L.NEXT, 1); t < n; t = Atomics.add(c, L.NEXT, 1)) {
          try {
            k.run_task(rec, t, work);
          } catch {
            Atomics.add(c, L.FAILED, 1);
          }
          Atomics.add(c, L.BY_WORKERS, 1);
          Atomics.add(c, L.DONE, 1);
        }
      }
    }
    Atomics.sub(c, L.ACTIVE, 1);
  }
}

if (nodePort) nodePort.on("message", onMessage);
else self.onmessage = (e) => onMessage(e.data);
