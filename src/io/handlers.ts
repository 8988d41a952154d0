// Where models are saved to and loaded from: files (Node, Deno, Bun), http(s) (load, through fetch),
// localstorage://, indexeddb:// (in TF.js's own layouts), downloads:// (browsers), TF.js-style IO handler
// objects, and memory: the artifacts object or one self-contained byte string (for Workers KV/R2).
import "../api.js"; // so that in the browser build the code this lazy module shares with the entry is one startup chunk
import { ValueError, describe } from "../errors.js";
import { nodeFs } from "../backend.js";
import type { ModelArtifacts, WeightSpec } from "./artifacts.js";
import { MAGIC, modelJson, toBytes, type ModelJson } from "./bytes.js";
import { checkDepth, declaredBytes, MAX_PATHS } from "./checks.js";

export { toBytes };

/** What model.save resolves to (TF.js's SaveResult, plus the artifacts and bytes for "memory"). */
export interface SaveResult {
  /** What was written. */
  modelArtifactsInfo: {
    /** When. */
    dateSaved: Date;
    /** "JSON". */
    modelTopologyType: "JSON";
    /** The topology's size as JSON text. */
    modelTopologyBytes: number;
    /** The weight specs' size as JSON text. */
    weightSpecsBytes: number;
    /** The weights' size. */
    weightDataBytes: number;
  };
  /** With target "memory": the artifacts, and the same as one byte string (see toBytes). */
  artifacts?: ModelArtifacts;
  /** With target "memory": model.json and the weights as one byte string, which loadLayersModel reads back. */
  bytes?: Uint8Array;
}

/** A TF.js-style storage handler: save receives the artifacts; load returns them. */
export interface IOHandler {
  /** Stores a model's artifacts (model.save(handler) calls it). */
  save?(artifacts: ModelArtifacts): Promise<unknown>;
  /** Returns stored artifacts (loadLayersModel(handler) calls it; they are checked like a file). */
  load?(): Promise<ModelArtifacts>;
}

const SCHEMES = "a directory path or file://, localstorage://, indexeddb://, downloads://, \"memory\", or an object with save()";

function fromBytes(bytes: Uint8Array): ModelArtifacts {
  if (bytes.byteLength < 8 || new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true) !== MAGIC) {
    throw new ValueError(`loadLayersModel(bytes): these ${bytes.byteLength} bytes are not a saved myelin model (no "MYL1" header)`);
  }
  const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
  if (8 + n > bytes.byteLength) throw new ValueError(`loadLayersModel(bytes): the header declares ${n} bytes of JSON but only ${bytes.byteLength - 8} follow`);
  const json = parseModelJson(new TextDecoder().decode(bytes.subarray(8, 8 + n)), "bytes");
  const weights = bytes.slice(8 + n).buffer;
  return artifactsOf(json, [weights]);
}

/**
 * model.json, checked before any weight file is opened: JSON, not too deep, a topology, a manifest of at
 * most MAX_PATHS distinct plain relative file names, and the bytes its weights declare.
 */
function parseModelJson(text: string, where: string): ModelJson & { bytes: number } {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new ValueError(`${where}: model.json is not JSON (${(e as Error).message})`);
  }
  if (!j || typeof j !== "object" || !("modelTopology" in j)) throw new ValueError(`${where}: model.json has no modelTopology: it is not a TF.js layers model`);
  checkDepth(`${where}: model.json`, j);
  const m = j as ModelJson;
  if (!Array.isArray(m.weightsManifest) || !m.weightsManifest.every((g) => g && Array.isArray(g.paths) && Array.isArray(g.weights))) {
    throw new ValueError(`${where}: model.json's weightsManifest must be a list of { paths, weights }; received ${describe(m.weightsManifest)}`);
  }
  const paths = m.weightsManifest.flatMap((g) => g.paths);
  if (paths.length > MAX_PATHS) throw new ValueError(`${where}: model.json lists ${paths.length} weight files; at most ${MAX_PATHS} are read`);
  const seen = new Set<string>();
  for (const p of paths) {
    if (typeof p !== "string" || p === "" || p.length > 1024 || p.startsWith("/") || p.includes("..") || /^[a-z]+:/i.test(p) || p.includes("\\") || p.includes("%")) {
      throw new ValueError(`${where}: weight file path ${describe(p)} must be a plain relative name (no "..", "%", absolute path or URL)`);
    }
    if (seen.has(p)) throw new ValueError(`${where}: weight file ${describe(p)} is listed twice`);
    seen.add(p);
  }
  return { ...m, bytes: declaredBytes(`${where}: model.json`, m.weightsManifest.flatMap((g) => g.weights)) };
}

function artifactsOf(m: ModelJson, shards: ArrayBuffer[]): ModelArtifacts {
  const total = shards.reduce((a, s) => a + s.byteLength, 0);
  const data = new Uint8Array(total);
  let o = 0;
  for (const s of shards) {
    data.set(new Uint8Array(s), o);
    o += s.byteLength;
  }
  return {
    modelTopology: m.modelTopology as ModelArtifacts["modelTopology"],
    weightSpecs: m.weightsManifest.flatMap((g) => g.weights),
    weightData: data.buffer,
    format: m.format,
    generatedBy: m.generatedBy,
    convertedBy: m.convertedBy,
    trainingConfig: m.trainingConfig,
  };
}

function fileUrl(target: string): URL | undefined {
  if (target.startsWith("file://")) return new URL(target);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return undefined;
  const fs = nodeFs();
  if (!fs) return undefined;
  const cwd = (globalThis as unknown as { process: { cwd(): string } }).process.cwd();
  return new URL(target, `file://${cwd.endsWith("/") ? cwd : cwd + "/"}`);
}

function info(a: ModelArtifacts): SaveResult["modelArtifactsInfo"] {
  return {
    dateSaved: new Date(),
    modelTopologyType: "JSON",
    modelTopologyBytes: JSON.stringify(a.modelTopology).length,
    weightSpecsBytes: JSON.stringify(a.weightSpecs).length,
    weightDataBytes: a.weightData.byteLength,
  };
}

const g = globalThis as unknown as { localStorage?: Storage; indexedDB?: IDBFactory; document?: Document };

// Browser storage in TF.js's own layouts, so that models saved by TF.js in a page load in myelin and
// the other way round: IndexedDB database "tensorflowjs" (stores models_store and model_info_store,
// keyPath modelPath), and localStorage keys tensorflowjs_models/<path>/{info, model_topology,
// weight_specs, weight_data (base64), model_metadata}.
function idbOpen(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const open = g.indexedDB!.open("tensorflowjs", 1);
    open.onupgradeneeded = () => {
      open.result.createObjectStore("models_store", { keyPath: "modelPath" });
      open.result.createObjectStore("model_info_store", { keyPath: "modelPath" });
    };
    open.onerror = () => reject(open.error);
    open.onsuccess = () => resolve(open.result);
  });
}

function idbRequest<T>(db: IDBDatabase, store: string, mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, mode);
    const req = f(tx.objectStore(store));
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function idbSave(path: string, a: ModelArtifacts): Promise<void> {
  const db = await idbOpen();
  try {
    const modelArtifactsInfo = info(a);
    await idbRequest(db, "model_info_store", "readwrite", (st) => st.put({ modelPath: path, modelArtifactsInfo }));
    const { modelTopology, weightSpecs, weightData, format, generatedBy, convertedBy, trainingConfig } = a;
    const modelArtifacts = { modelTopology, weightSpecs, weightData, format, generatedBy, convertedBy, ...(trainingConfig ? { trainingConfig } : {}) };
    await idbRequest(db, "models_store", "readwrite", (st) => st.put({ modelPath: path, modelArtifacts, modelArtifactsInfo }));
  } finally {
    db.close();
  }
}

async function idbLoad(path: string): Promise<ModelArtifacts | undefined> {
  const db = await idbOpen();
  try {
    const rec = await idbRequest(db, "models_store", "readonly", (st) => st.get(path) as IDBRequest<{ modelArtifacts: ModelArtifacts } | undefined>);
    return rec?.modelArtifacts;
  } finally {
    db.close();
  }
}

const lsKey = (path: string, suffix: string) => `tensorflowjs_models/${path}/${suffix}`;

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export async function saveArtifacts(a: ModelArtifacts, target: unknown): Promise<SaveResult> {
  if (target !== null && typeof target === "object" && typeof (target as IOHandler).save === "function") {
    await (target as IOHandler).save!(a);
    return { modelArtifactsInfo: info(a) };
  }
  if (typeof target !== "string" || target === "") throw new ValueError(`save(target) must be ${SCHEMES}; received ${describe(target)}`);
  if (target === "memory" || target === "memory://") return { modelArtifactsInfo: info(a), artifacts: a, bytes: toBytes(a) };
  if (target.startsWith("localstorage://")) {
    if (!g.localStorage) throw new ValueError(`save("${target}"): localStorage is not available in this runtime`);
    const path = target.slice("localstorage://".length);
    const ls = g.localStorage;
    ls.setItem(lsKey(path, "info"), JSON.stringify(info(a)));
    ls.setItem(lsKey(path, "model_topology"), JSON.stringify(a.modelTopology));
    ls.setItem(lsKey(path, "weight_specs"), JSON.stringify(a.weightSpecs));
    ls.setItem(lsKey(path, "weight_data"), toBase64(new Uint8Array(a.weightData)));
    ls.setItem(lsKey(path, "model_metadata"), JSON.stringify({ format: a.format, generatedBy: a.generatedBy, convertedBy: a.convertedBy, trainingConfig: a.trainingConfig }));
    return { modelArtifactsInfo: info(a) };
  }
  if (target.startsWith("indexeddb://")) {
    if (!g.indexedDB) throw new ValueError(`save("${target}"): IndexedDB is not available in this runtime`);
    await idbSave(target.slice("indexeddb://".length), a);
    return { modelArtifactsInfo: info(a) };
  }
  if (target.startsWith("downloads://")) {
    const doc = g.document;
    if (!doc) throw new ValueError(`save("${target}"): downloads need a page (document)`);
    const name = target.slice("downloads://".length) || "model";
    const json = JSON.stringify(modelJson(a, `${name}.weights.bin`));
    for (const [file, blob] of [[`${name}.json`, new Blob([json], { type: "application/json" })], [`${name}.weights.bin`, new Blob([a.weightData], { type: "application/octet-stream" })]] as const) {
      const link = doc.createElement("a");
      link.download = file;
      link.href = URL.createObjectURL(blob);
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
    }
    return { modelArtifactsInfo: info(a) };
  }
  const url = fileUrl(target);
  const fs = nodeFs();
  if (url && fs) {
    fs.mkdirSync(url, { recursive: true });
    const dir = url.href.endsWith("/") ? url : new URL(url.href + "/");
    fs.writeFileSync(new URL("model.json", dir), JSON.stringify(modelJson(a, "weights.bin")));
    fs.writeFileSync(new URL("weights.bin", dir), new Uint8Array(a.weightData));
    return { modelArtifactsInfo: info(a) };
  }
  throw new ValueError(`save(target) must be ${SCHEMES}; received ${describe(target)}`);
}

export async function loadArtifacts(source: unknown): Promise<ModelArtifacts> {
  if (source instanceof Uint8Array) return fromBytes(source);
  if (source instanceof ArrayBuffer) return fromBytes(new Uint8Array(source));
  if (source !== null && typeof source === "object") {
    if (typeof (source as IOHandler).load === "function") return (source as IOHandler).load!();
    if ("modelTopology" in source) {
      const a = source as ModelArtifacts & { weightData: ArrayBuffer | ArrayBufferView };
      const wd = a.weightData;
      const weightData = ArrayBuffer.isView(wd) ? wd.buffer.slice(wd.byteOffset, wd.byteOffset + wd.byteLength) : wd;
      return { ...a, weightData: weightData as ArrayBuffer };
    }
  }
  if (typeof source !== "string" || source === "") throw new ValueError(`loadLayersModel(source) must be a path or file://, http(s)://, localstorage://, indexeddb:// URL, artifacts or bytes; received ${describe(source)}`);
  if (source.startsWith("localstorage://")) {
    const path = source.slice("localstorage://".length);
    const ls = g.localStorage;
    const topology = ls?.getItem(lsKey(path, "model_topology"));
    const specs = ls?.getItem(lsKey(path, "weight_specs"));
    const w = ls?.getItem(lsKey(path, "weight_data"));
    if (topology == null || specs == null || w == null) throw new ValueError(`loadLayersModel("${source}"): no model saved under that name in localStorage`);
    const meta = JSON.parse(ls!.getItem(lsKey(path, "model_metadata")) ?? "{}");
    let modelTopology: unknown, weightSpecs: unknown;
    try {
      modelTopology = JSON.parse(topology);
      weightSpecs = JSON.parse(specs);
    } catch (e) {
      throw new ValueError(`loadLayersModel("${source}"): the stored topology or weight specs are not JSON (${(e as Error).message})`);
    }
    return { modelTopology: modelTopology as ModelArtifacts["modelTopology"], weightSpecs: weightSpecs as WeightSpec[], weightData: fromBase64(w).buffer as ArrayBuffer, format: meta.format, generatedBy: meta.generatedBy, convertedBy: meta.convertedBy, trainingConfig: meta.trainingConfig };
  }
  if (source.startsWith("indexeddb://")) {
    if (!g.indexedDB) throw new ValueError(`loadLayersModel("${source}"): IndexedDB is not available in this runtime`);
    const a = await idbLoad(source.slice("indexeddb://".length));
    if (!a) throw new ValueError(`loadLayersModel("${source}"): no model saved under that name in IndexedDB`);
    return a;
  }
  if (/^https?:\/\//.test(source)) {
    const res = await fetch(source);
    if (!res.ok) throw new ValueError(`loadLayersModel("${source}"): fetch answered ${res.status}`);
    const m = parseModelJson(await res.text(), source);
    const dir = new URL(".", res.url || source);
    let remaining = m.bytes;
    const shards: ArrayBuffer[] = [];
    for (const p of m.weightsManifest.flatMap((gr) => gr.paths)) {
      // Resolved (percent-escapes decoded, dot segments removed), the file must stay in model.json's folder.
      const u = new URL(p, dir);
      if (u.origin !== dir.origin || !u.pathname.startsWith(dir.pathname)) throw new ValueError(`loadLayersModel("${source}"): weight file ${describe(p)} resolves outside the model's folder`);
      const r = await fetch(u);
      if (!r.ok) throw new ValueError(`loadLayersModel("${source}"): weight file ${p} answered ${r.status}`);
      const b = await readBounded(r, remaining, `loadLayersModel("${source}"): weight file ${p}`);
      remaining -= b.byteLength;
      shards.push(b);
    }
    return artifactsOf(m, shards);
  }
  const url = fileUrl(source);
  const fs = nodeFs();
  if (url && fs) {
    const jsonUrl = url.pathname.endsWith(".json") ? url : new URL((url.href.endsWith("/") ? url.href : url.href + "/") + "model.json");
    let text: string;
    try {
      text = fs.readFileSync(jsonUrl, "utf8");
    } catch {
      throw new ValueError(`loadLayersModel("${source}"): no model.json at ${jsonUrl.pathname}`);
    }
    const m = parseModelJson(text, source);
    return artifactsOf(m, readWeightFiles(fs, jsonUrl, m.weightsManifest.flatMap((gr) => gr.paths), m.bytes, `loadLayersModel("${source}")`));
  }
  throw new ValueError(`loadLayersModel(source): ${describe(source)} is not a source this runtime can read`);
}

/**
 * The weight files beside model.json, read only once each is known to be a regular file inside the
 * model's folder (its real path, links resolved) and no larger than the bytes the manifest still
 * expects: a hostile manifest can neither read a file elsewhere nor make the loader read a huge one.
 */
function readWeightFiles(fs: typeof import("node:fs"), jsonUrl: URL, paths: string[], expected: number, where: string): ArrayBuffer[] {
  const path = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process!.getBuiltinModule!("node:path") as typeof import("node:path");
  const dir = new URL(".", jsonUrl);
  const dirReal = fs.realpathSync(dir);
  let remaining = expected;
  return paths.map((p) => {
    const u = new URL(p, dir);
    if (!u.href.startsWith(dir.href)) throw new ValueError(`${where}: weight file ${describe(p)} resolves outside the model's folder`);
    let real: string;
    try {
      real = fs.realpathSync(u);
    } catch {
      throw new ValueError(`${where}: weight file ${p} is missing beside model.json`);
    }
    if (!real.startsWith(dirReal + path.sep)) throw new ValueError(`${where}: weight file ${describe(p)} is a link to a file outside the model's folder`);
    // Opened without blocking (a FIFO would wait for a writer forever), then checked before any read.
    const fd = fs.openSync(real, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    try {
      const st = fs.fstatSync(fd);
      if (!st.isFile()) throw new ValueError(`${where}: weight file ${describe(p)} is not a regular file`);
      if (st.size > remaining) throw new ValueError(`${where}: weight file ${p}: the weight files hold more bytes than the manifest's weights need (${expected}): the files are longer than declared`);
      const buf = new Uint8Array(st.size);
      let got = 0;
      while (got < st.size) {
        const n = fs.readSync(fd, buf, got, st.size - got, got);
        if (n === 0) break;
        got += n;
      }
      remaining -= got;
      return buf.buffer.slice(0, got);
    } finally {
      fs.closeSync(fd);
    }
  });
}

/** A response body, refused as soon as it passes `limit` bytes (never read whole first). */
async function readBounded(r: Response, limit: number, where: string): Promise<ArrayBuffer> {
  const tooLong = () => new ValueError(`${where}: the weight files hold more bytes than the manifest's weights need: the files are longer than declared`);
  const declared = Number(r.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) throw tooLong();
  if (!r.body) {
    const b = await r.arrayBuffer();
    if (b.byteLength > limit) throw tooLong();
    return b;
  }
  const reader = r.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw tooLong();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.byteLength;
  }
  return out.buffer;
}
