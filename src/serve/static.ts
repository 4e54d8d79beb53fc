import { readFileSync, statSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SECURITY_HEADERS } from "./http.js";

/**
 * The page's files: a fixed list, read once. They sit in src/serve/page/ and are copied to
 * dist/page/ by the build (scripts/bundle.js), so they are found next to this module whether it
 * runs from src/, dist/serve/ or the bundle in dist/bundle/.
 */
const FILES: Record<string, { name: string; type: string }> = {
  "/": { name: "index.html", type: "text/html; charset=utf-8" },
  "/app.js": { name: "app.js", type: "text/javascript; charset=utf-8" },
  "/style.css": { name: "style.css", type: "text/css; charset=utf-8" },
  "/api.js": { name: "api.js", type: "text/javascript; charset=utf-8" },
  "/dom.js": { name: "dom.js", type: "text/javascript; charset=utf-8" },
  "/board.js": { name: "board.js", type: "text/javascript; charset=utf-8" },
  "/bead.js": { name: "bead.js", type: "text/javascript; charset=utf-8" },
  "/agents.js": { name: "agents.js", type: "text/javascript; charset=utf-8" },
};

function pageDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, "page"), join(here, "..", "page")]) {
    if (statSync(join(candidate, "index.html"), { throwIfNoEntry: false })?.isFile()) return candidate;
  }
  throw new Error(`bead serve: the page's files are missing (looked in ${here}/page and ${here}/../page); rebuild with npm run build`);
}

const cache = new Map<string, Buffer>();

export function isStaticPath(pathname: string): boolean {
  return pathname in FILES;
}

export function sendStatic(res: ServerResponse, pathname: string): void {
  const file = FILES[pathname];
  if (!file) return;
  let bytes = cache.get(file.name);
  if (!bytes) {
    bytes = readFileSync(join(pageDir(), file.name));
    cache.set(file.name, bytes);
  }
  res.writeHead(200, { ...SECURITY_HEADERS, "content-type": file.type, "content-length": bytes.length });
  res.end(bytes);
}
