// A static server for the browser tests (Node only): the given pages, and the project's files under
// /pkg/ (so pages import dist/ as a site would), every response with the given headers.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { join, normalize } from "node:path";
import { chromium, type Browser } from "playwright";
import puppeteer, { type Browser as PBrowser } from "puppeteer-core";
import { CHROMIUM, FIREFOX } from "./browsers.js";

const root = new URL("../../", import.meta.url).pathname;
const TYPES: Record<string, string> = { ".js": "text/javascript", ".mjs": "text/javascript", ".html": "text/html", ".wasm": "application/wasm" };

export interface Site {
  base: string;
  close(): void;
}

export async function serve(pages: Record<string, string>, headers: (path: string) => Record<string, string>): Promise<Site> {
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const ext = path.slice(path.lastIndexOf("."));
    const h = { "content-type": TYPES[ext] ?? "application/octet-stream", ...headers(path) };
    try {
      if (pages[path] !== undefined) return res.writeHead(200, h).end(pages[path]);
      if (path === "/favicon.ico") return res.writeHead(204).end();
      if (path.startsWith("/pkg/")) {
        const file = normalize(join(root, path.slice(5)));
        if (!file.startsWith(root)) return res.writeHead(403).end();
        return res.writeHead(200, h).end(await readFile(file));
      }
      res.writeHead(404).end();
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { base: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close: () => server.close() };
}

/** Debian's Chromium, headless, with the flags this closed network needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** Debian's Firefox ESR, headless, over WebDriver BiDi. */
export function launchFirefox(): Promise<PBrowser> {
  return puppeteer.launch({ browser: "firefox", executablePath: FIREFOX, headless: true, protocol: "webDriverBiDi" });
}

/** Polls a page's `document.body.dataset.result` (JSON) with evaluate: puppeteer's waitForFunction compiles code from a string, which strict CSPs block. */
export async function pageResult(evaluate: () => Promise<string | undefined>, seconds = 60): Promise<Record<string, unknown>> {
  let text: string | undefined;
  for (let i = 0; i < seconds * 10 && !text; i++) {
    text = await evaluate();
    if (!text) await new Promise((res) => setTimeout(res, 100));
  }
  return JSON.parse(text ?? `{"error":"no result in ${seconds} s"}`);
}
