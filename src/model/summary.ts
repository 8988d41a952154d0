// Keras's model.summary() table: layers, output shapes, parameter counts.
import type { Layer } from "../layers/layer.js";

export function summaryLines(name: string, layers: Layer[]): string[] {
  const cols = [29, 26, 10];
  const line = (a: string, b: string, c: string) => a.padEnd(cols[0]) + b.padEnd(cols[1]) + c;
  const rule = (ch: string) => ch.repeat(cols[0] + cols[1] + cols[2]);
  const total = layers.reduce((a, l) => a + l.countParams(), 0);
  return [
    `Model: "${name}"`,
    rule("_"),
    line(" Layer (type)", "Output Shape", "Param #"),
    rule("="),
    ...layers.map((l) => line(` ${l.name} (${l.className})`, `(None, ${l.outputDim})`, String(l.countParams()))),
    rule("="),
    `Total params: ${total.toLocaleString("en-US")}`,
    `Trainable params: ${total.toLocaleString("en-US")}`,
    "Non-trainable params: 0",
    rule("_"),
  ];
}
