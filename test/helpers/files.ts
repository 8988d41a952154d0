// Reading project files in either test environment: the file system under Node, the Vite dev server
// (fetch) in the browser.
export const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === "string" &&
  typeof (globalThis as { window?: unknown }).window === "undefined";

export async function readBytes(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  if (url.protocol === "file:") {
    const { readFile } = await import("node:fs/promises");
    const b = await readFile(url);
    return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
  }
  const r = await fetch(url);
  if (!r.ok) throw new Error(`fetch ${url.href}: ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

export async function readJson<T>(url: URL): Promise<T> {
  return JSON.parse(new TextDecoder().decode(await readBytes(url))) as T;
}

// Held in a variable so that Vite does not treat `new URL(path, import.meta.url)` as an asset to rewrite.
const here = import.meta.url;

/** A project file's URL, relative to the repository root. */
export function projectUrl(path: string): URL {
  return new URL("../../" + path, here);
}

/** A tiny http server of the given files under Node; in the browser, fetch is stubbed with the same files. */
export async function serveFiles(files: Record<string, Uint8Array>): Promise<{ url: string; close(): void }> {
  if (isNode) {
    const { createServer } = await import("node:http");
    const s = createServer((req, res) => {
      const f = files[new URL(req.url ?? "/", "http://x").pathname];
      if (!f) return res.writeHead(404).end();
      res.writeHead(200).end(f);
    });
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    return { url: `http://127.0.0.1:${(s.address() as { port: number }).port}`, close: () => s.close() };
  }
  const real = globalThis.fetch;
  globalThis.fetch = (async (u: string | URL) => {
    const f = files[new URL(String(u)).pathname];
    return new Response(f ? (f.slice().buffer as ArrayBuffer) : null, { status: f ? 200 : 404 });
  }) as typeof fetch;
  return { url: "http://models.test", close: () => (globalThis.fetch = real) };
}
