// Flatten: a sample of any shape becomes one row of features, row-major (C order), as TF.js and Keras's
// channels_last do. Samples are stored flat already, so forward and backward copy nothing.
import { Layer, registerLayer, sizeOf, type CommonArgs, type Step } from "./layer.js";
import { invalid } from "../errors.js";

/** Flattens each sample to a vector, row-major: [28, 28] becomes [784]. Made by `layers.flatten()`. */
export class Flatten extends Layer {
  /** "Flatten". */
  readonly className = "Flatten";

  /** Use `layers.flatten()`. */
  constructor(args: { dataFormat?: "channelsLast" } & CommonArgs = {}) {
    super("flatten", args, ["dataFormat"]);
    const f = args.dataFormat;
    if (f != null && f !== "channelsLast" && (f as string) !== "channels_last") throw invalid("layers.flatten({ dataFormat })", f, "'channelsLast' (samples are read row-major)");
  }

  protected computeOutputShape(shape: number[]): number[] {
    return [sizeOf(shape)];
  }

  getConfig(): Record<string, unknown> {
    return { dataFormat: "channels_last" };
  }

  /** @internal Its output is its input: the model plans them as one buffer. */
  override readonly passThrough = true;

  /** @internal */
  forward(_s: Step): void {}

  /** @internal */
  backward(_s: Step, dy: number): number {
    return dy;
  }
}

registerLayer("Flatten", Flatten);
