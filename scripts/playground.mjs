// npm run playground — serves the playground (examples/playground/) on this machine and prints its URL.
// npm run build:playground — writes it as static files anyone can host (default: playground-site/).
//   node scripts/playground.mjs [--port N]          serve (default port 8080; 0 picks a free one)
//   node scripts/playground.mjs --build [--out DIR] write the static site
// Both expect the package built (npm run build). The pages are sent cross-origin isolated (COOP/COEP), so
// training runs on threads, and with a strict Content-Security-Policy; the static site carries the same
// headers in a _headers file (Netlify, Cloudflare Pages) and says what to set elsewhere.
import { createServer } from "node:http";
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { parseArgs } from "node:util";

const root = new URL("../", import.meta.url).pathname;
const HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Content-Security-Policy": "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' blob: data:",
};
const TYPES = { ".js": "text/javascript", ".mjs": "text/javascript", ".html": "text/html; charset=utf-8", ".css": "text/css", ".wasm": "application/wasm", ".json": "application/json" };
// What the site is made of: the page, and the package's browser build (dist/) and kernels (build/).
const SERVED = ["examples/playground/", "dist/", "build/"];

/** Starts the server; resolves to { url, close }. */
export async function servePlayground(port = 8080, dir = root) {
  const server = createServer(async (req, res) => {
    let path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    if (path === "/") return res.writeHead(302, { location: "/examples/playground/" }).end();
    if (path === "/favicon.ico") return res.writeHead(204).end();
    if (path.endsWith("/")) path += "index.html";
    const rel = normalize(path).replace(/^[/\\]+/, "");
    if (!SERVED.some((p) => rel.startsWith(p)) || rel.split(sep).includes("..")) return res.writeHead(404).end();
    try {
      const body = await readFile(join(dir, rel));
      res.writeHead(200, { "content-type": TYPES[extname(rel)] ?? "application/octet-stream", ...HEADERS }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(port, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() };
}

/** Writes the static site: the same files under the same paths, an index that opens the page, _headers. */
export function buildPlayground(out) {
  rmSync(out, { recursive: true, force: true });
  for (const p of SERVED) {
    if (p === "build/") {
      mkdirSync(join(out, "build"), { recursive: true });
      for (const b of ["simd", "scalar", "threads"]) cpSync(join(root, `build/myelin.${b}.wasm`), join(out, `build/myelin.${b}.wasm`));
    } else {
      cpSync(join(root, p), join(out, p), { recursive: true, filter: (f) => !f.includes(`${sep}types`) });
    }
  }
  writeFileSync(join(out, "index.html"), '<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0; url=examples/playground/"><title>myelin playground</title><a href="examples/playground/">myelin playground</a>\n');
  writeFileSync(join(out, "_headers"), `/*\n${Object.entries(HEADERS).map(([k, v]) => `  ${k}: ${v}`).join("\n")}\n`);
  writeFileSync(join(out, "README.txt"), `The myelin playground as static files. Serve this folder with these headers (COOP/COEP let training use\nevery core; without them it runs on one thread):\n${Object.entries(HEADERS).map(([k, v]) => `  ${k}: ${v}`).join("\n")}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { port: { type: "string", default: "8080" }, build: { type: "boolean" }, out: { type: "string", default: "playground-site" } } });
  if (!existsSync(join(root, "dist/browser.js")) || !existsSync(join(root, "build/myelin.simd.wasm"))) {
    console.error("the package is not built: run npm run build first (npm run playground does)");
    process.exit(1);
  }
  if (values.build) {
    buildPlayground(values.out);
    console.log(`wrote the playground to ${values.out}/ (open index.html through any static server; headers in ${values.out}/_headers)`);
  } else {
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535; received ${values.port}`);
    const { url } = await servePlayground(port);
    console.log(`myelin playground: ${url}  (Ctrl-C to stop)`);
  }
}

