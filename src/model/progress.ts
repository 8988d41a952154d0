// verbose 1: a Keras-style progress bar per epoch on a TTY (samples done, samples/s, loss and metrics),
// one plain line per epoch otherwise; verbose 2: one line per epoch (as Keras). Redraws by batch count, not by clock.
import "../api.js"; // so that in the browser build the code this lazy module shares with the entry is one startup chunk
import type { Logs } from "../callbacks.js";

interface Out {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

/** Node's (Deno's, Bun's) stdout; elsewhere (browsers, Workers) the console, a line per epoch. */
function stdout(): Out {
  const p = (globalThis as { process?: { stdout?: Out } }).process;
  return p?.stdout ?? { isTTY: false, write: (s: string) => console.log(s.replace(/\n$/, "")) };
}

const fmt = (logs: Logs) =>
  Object.entries(logs)
    .filter(([k]) => k !== "batch" && k !== "size")
    .map(([k, v]) => `${k}: ${Number.isFinite(v) && Math.abs(v) < 1e4 ? v.toFixed(4) : v.toExponential(3)}`)
    .join(" - ");

export class Progress {
  private readonly out = stdout();
  /** The bar redraws on a terminal at verbose 1; verbose 2 (and any other output) writes one line per epoch. */
  private readonly bar: boolean;
  private start = 0;
  /** Redraw interval in batches (about 40 redraws an epoch). */
  readonly every: number;

  constructor(
    private readonly epochs: number,
    /** Samples per epoch (fitDataset sets it when an epoch ends). */
    public samples: number,
    private readonly batches: number,
    verbose: 1 | 2,
  ) {
    this.bar = verbose === 1 && this.out.isTTY === true;
    this.every = this.bar ? Math.max(1, Math.floor(batches / 40)) : batches;
  }

  epochBegin(epoch: number): void {
    this.start = performance.now();
    if (this.bar) this.out.write(`Epoch ${epoch + 1}/${this.epochs}\n`);
  }

  batchEnd(batch: number, done: number, logs: Logs): void {
    if (!this.bar) return;
    const width = 30;
    const filled = Math.round((done / this.samples) * width);
    const bar = "=".repeat(Math.max(0, filled - 1)) + (filled > 0 ? ">" : "") + ".".repeat(width - filled);
    const rate = done / ((performance.now() - this.start) / 1000);
    this.out.write(`\r${String(done).padStart(String(this.samples).length)}/${this.samples} [${bar}] ${Math.round(rate)} samples/s - ${fmt(logs)}`);
  }

  epochEnd(epoch: number, logs: Logs): void {
    const s = (performance.now() - this.start) / 1000;
    const rate = Math.round(this.samples / s);
    const line = `${this.samples}/${this.samples} - ${s.toFixed(1)}s ${rate} samples/s - ${fmt(logs)}`;
    if (this.bar) this.out.write(`\r${line}${" ".repeat(10)}\n`);
    else this.out.write(`Epoch ${epoch + 1}/${this.epochs} - ${line}\n`);
  }
}
