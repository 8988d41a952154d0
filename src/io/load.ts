// What loadLayersModel (src/io/index.ts) loads on first use: read the artifacts, then decode them.
import "../api.js"; // so that in the browser build the code this lazy module shares with the entry is one startup chunk
import { Sequential } from "../model/sequential.js";
import { decode } from "./artifacts.js";
import { loadArtifacts } from "./handlers.js";

export async function loadModel(source: unknown): Promise<Sequential> {
  return decode(await loadArtifacts(source), (name, layers) => new Sequential({ name, layers }));
}
