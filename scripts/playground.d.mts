// Types for playground.mjs (a plain Node script, imported by the playground test).
export function servePlayground(port?: number, dir?: string): Promise<{ url: string; close(): void }>;
export function buildPlayground(out: string): void;
