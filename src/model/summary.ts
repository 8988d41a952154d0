// Keras's model.summary() table: layers, output shapes, parameter counts (trainable and not).
import type { Layer } from "../layers/layer.js";

export function summaryLines(name: string, layers: Layer[]): string[] {
  const names = layers.map((l) => ` ${l.name} (${l.className})`);
  const cols = [Math.max(29, ...names.map((n) => n.length + 2)), 26, 10]; // wide enough for every name, as Keras
  const line = (a: string, b: string, c: string) => a.padEnd(cols[0]) + b.padEnd(cols[1]) + c;
  const rule = (ch: string) => ch.repeat(cols[0] + cols[1] + cols[2]);
  const count = (trained: boolean) => layers.reduce((a, l) => a + l.params.reduce((b, p) => b + (p.trainable && l.trainable ? +trained : +!trained) * p.size, 0), 0);
  const n = (v: number) => v.toLocaleString("en-US");
  const trainable = count(true), frozen = count(false);
  return [
    `Model: "${name}"`,
    rule("_"),
    line(" Layer (type)", "Output Shape", "Param #"),
    rule("="),
    ...layers.map((l, i) => line(names[i], `(None, ${l.outputShape.join(", ")})`, String(l.countParams()))),
    rule("="),
    `Total params: ${n(trainable + frozen)}`,
    `Trainable params: ${n(trainable)}`,
    `Non-trainable params: ${n(frozen)}`,
    rule("_"),
  ];
}
