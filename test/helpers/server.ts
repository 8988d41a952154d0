// A static server for the browser tests (Node only): the given pages, and the project's files under
// /pkg/ (so pages import dist/ as a site would), every response with the given headers.
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, normalize } from "node:path";
import { chromium, type Browser } from "playwright";
import puppeteer, { type Browser as PBrowser } from "puppeteer-core";
import { CHROMIUM, FIREFOX } from "./browsers.js";

const root = new URL("../../", import.meta.url).pathname;
const TYPES: Record<string, string> = { ".js": "text/javascript", ".mjs": "text/javascript", ".html": "text/html", ".wasm": "application/wasm" };

export interface Site {
  base: string;
  /** What a page posted to `/__result?id=<id>` (see `reportScript`), or undefined after `seconds`. */
  result(id: string, seconds: number): Promise<string | undefined>;
  close(): void;
}

/**
 * A module a page imports to hand its result to the test: it sets `document.body.dataset.result` (read
 * through Playwright or puppeteer) and, when the page's URL has `?report=<id>`, posts it to the server
 * (read with `site.result(id)`, for a browser started without a remote agent: `firefoxResult`).
 * In a Web Worker it only posts.
 */
export const reportScript = `export function report(result) {
  const text = JSON.stringify(result);
  if (globalThis.document?.body) document.body.dataset.result = text;
  const id = new URLSearchParams(globalThis.location.search).get("report");
  if (id) fetch("/__result?id=" + encodeURIComponent(id), { method: "POST", body: text });
}`;

export async function serve(pages: Record<string, string>, headers: (path: string) => Record<string, string>): Promise<Site> {
  const results = new Map<string, string>();
  const waiting = new Map<string, (text: string) => void>();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const path = url.pathname;
    const ext = path.slice(path.lastIndexOf("."));
    const h = { "content-type": TYPES[ext] ?? "application/octet-stream", ...headers(path) };
    try {
      if (path === "/__result" && req.method === "POST") {
        const id = url.searchParams.get("id") ?? "";
        let text = "";
        for await (const chunk of req) text += chunk;
        results.set(id, text);
        waiting.get(id)?.(text);
        return res.writeHead(204).end();
      }
      if (path === "/__report.js") return res.writeHead(200, { ...h, "content-type": TYPES[".js"] }).end(reportScript);
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
  const result = (id: string, seconds: number) =>
    new Promise<string | undefined>((resolve) => {
      if (results.has(id)) return resolve(results.get(id));
      const timer = setTimeout(() => {
        waiting.delete(id);
        resolve(undefined);
      }, seconds * 1000);
      waiting.set(id, (text) => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(text);
      });
    });
  return { base: `http://127.0.0.1:${(server.address() as { port: number }).port}`, result, close: () => server.close() };
}

let firefoxRuns = 0;

/**
 * Opens `path` in Debian's Firefox ESR started on its own (headless, a fresh profile, no remote agent),
 * waits for the result the page posts (`reportScript`), and stops Firefox. For pages whose workers
 * start workers: under puppeteer's WebDriver BiDi session, Firefox ESR's `new Worker()` inside a worker
 * never returned in about 1 run in 25 (4 of 100 with 3 idle nested workers and no myelin code in them;
 * the same pages without the remote agent: 0 of 200, and myelin's threads page 0 of 200 under load).
 */
export async function firefoxResult(site: Site, path: string, seconds = 120): Promise<Record<string, unknown>> {
  const profile = await mkdtemp(join(tmpdir(), "myelin-firefox-"));
  // Quiet first start: no default-browser check, no data reporting, no update or captive-portal probes.
  await writeFile(join(profile, "user.js"), [
    `user_pref("browser.shell.checkDefaultBrowser", false);`,
    `user_pref("datareporting.policy.dataSubmissionEnabled", false);`,
    `user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);`,
    `user_pref("app.update.disabledForTesting", true);`,
    `user_pref("network.captive-portal-service.enabled", false);`,
    `user_pref("browser.startup.homepage_override.mstone", "ignore");`,
  ].join("\n"));
  const id = `firefox-${++firefoxRuns}`;
  const url = `${site.base}${path}${path.includes("?") ? "&" : "?"}report=${id}`;
  const ff = spawn(FIREFOX, ["--headless", "--no-remote", "--profile", profile, url], { stdio: "ignore" });
  const exited = new Promise<void>((r) => {
    ff.once("exit", () => r());
    ff.once("error", () => r());
  });
  const failed = new Promise<string>((r) => ff.once("error", (e) => r(JSON.stringify({ error: `Firefox did not start: ${e.message}` }))));
  try {
    const text = await Promise.race([site.result(id, seconds), failed]);
    return JSON.parse(text ?? `{"error":"no result in ${seconds} s"}`);
  } finally {
    ff.kill("SIGTERM");
    const killed = setTimeout(() => ff.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(killed);
    await rm(profile, { recursive: true, force: true });
  }
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
