#!/usr/bin/env node
// Bundle the `bead` command line into dist/bundle/bead.cjs (run by `npm run build`, after tsc).
//
// Why: a `bead` process is short, and Node's ES module loader resolves, reads (asynchronously)
// and links every module file on its own, a few hundred of them for a write command (our
// modules, zod, yaml, …). One CommonJS file instead is read once, and bin/bead.js hands V8 the
// bytecode it compiled for the same command last time (src/cli/code-cache.ts), which Node 20's
// ES module loader has no way to do. The tsc output in dist/ stays the library form. See
// docs/ARCHITECTURE.md, "Start-up".
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { cpSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const outdir = join(root, "dist", "bundle");
rmSync(outdir, { recursive: true, force: true });

// The build's identity: the package version and a hash of every source file. Stored answers
// (src/board/answer-cache.ts) are keyed by it, so an upgrade never serves an answer rendered by
// the code it replaced.
function buildId() {
  const hash = createHash("sha1");
  const srcDir = join(root, "src");
  const files = readdirSync(srcDir, { recursive: true }).filter((name) => String(name).endsWith(".ts")).map(String).sort();
  for (const name of files) hash.update(name).update("\0").update(readFileSync(join(srcDir, name))).update("\0");
  const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  return `${version}+${hash.digest("hex").slice(0, 16)}`;
}

// `bead mcp`'s server (src/cli/mcp-server.ts: src/mcp/ with the MCP SDK, ~500 KB, and the commands its tools run) is a bundle of its own,
// dist/bundle/mcp.cjs, required by bead.cjs only when `bead mcp` (or doctor's check of it) runs: in bead.cjs it would be
// read and parsed by every command.
const mcpServerApart = {
  name: "mcp-server-apart",
  setup(build) {
    build.onResolve({ filter: /\/mcp-server\.js$/ }, (args) => (args.importer.includes(join("cli", "commands", "")) ? { path: "./mcp.cjs", external: true } : undefined));
  },
};

await build({
  // launch: what bin/bead.js loads (answers stored queries, else loads bead); bead: the CLI;
  // mcp: the MCP server, loaded by bead only for `bead mcp`.
  entryPoints: { launch: join(root, "src", "cli", "launch.ts"), bead: join(root, "src", "cli", "main.ts"), mcp: join(root, "src", "cli", "mcp-server.ts") },
  plugins: [mcpServerApart],
  outdir,
  outExtension: { ".js": ".cjs" },
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20.19",
  sourcemap: true,
  // Whitespace and syntax only: names stay as written, for stack traces and error names
  // (errors.ts names each error after its class).
  minifyWhitespace: true,
  minifySyntax: true,
  // Large, and loaded only by the commands that talk to remotes or agents' models: left in
  // node_modules and required when first used.
  // node-llama-cpp (optional, ~700 MB with its GPU builds) is imported by src/model/embedded.ts only.
  external: ["isomorphic-git", "openai", "node-llama-cpp"],
  // import() of those becomes require(): in Node 20 a script run from V8's code cache loses its
  // dynamic-import callback ("A dynamic import callback was not specified").
  supported: { "dynamic-import": false },
  // Modules that locate files next to themselves (src/cli/install-path.ts) read import.meta.url.
  define: { "import.meta.url": "__beadBundleUrl", __BEAD_BUILD__: JSON.stringify(buildId()) },
  banner: { js: 'var __beadBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: "warning",
});

// `bead serve`'s page (src/serve/page/: HTML, CSS, browser JS) is shipped as it is, next to the
// code that serves it (src/serve/static.ts looks in dist/page/).
cpSync(join(root, "src", "serve", "page"), join(root, "dist", "page"), { recursive: true });
