// examples/node/stream.mjs, run as a user runs it: model.fitDataset streams a CSV line by line and learns
// the rule that labelled it; the JS heap holds batches, not the file.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

describe.skipIf(typeof process === "undefined" || !process.versions?.node)("examples/node/stream.mjs", () => {
  it("streams a 500,000-row CSV (2 epochs) to >= 90 % test accuracy in a process whose heap could not hold it", () => {
    const dir = mkdtempSync(join(tmpdir(), "myelin-stream-"));
    try {
      const r = spawnSync(process.execPath, ["--max-old-space-size=24", "examples/node/stream.mjs", "--rows", "500000", "--file", join(dir, "data.csv")], { encoding: "utf8", timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/trained on 1,000,000 rows streamed/);
      const acc = Number(/test accuracy: ([\d.]+) %/.exec(r.stdout)![1]);
      expect(acc).toBeGreaterThanOrEqual(90);
      const [, before, peak, size] = /JS heap: ([\d.]+) MB before, at most ([\d.]+) MB while training \(the file: ([\d.]+) MB\)/.exec(r.stdout)!.map(Number);
      expect(size).toBeGreaterThan(24); // larger than the heap limit the process ran with (its rows as arrays, several times more)
      expect(peak - before).toBeLessThan(size / 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
