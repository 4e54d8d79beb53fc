#!/usr/bin/env node
// Bundle the `bead` command line into dist/bundle/ (run by `npm run build`, after tsc).
//
// Why: a `bead` process is short, and Node's ESM loader resolves, reads and links every module
// file on its own, a few hundred of them for a write command (our modules, zod, yaml, …). One
// bundle per command graph (esbuild, code splitting, so each command still loads only what it
// uses) cuts that to a handful of files. The tsc output in dist/ stays the library form; bin/
// runs the bundle. See docs/ARCHITECTURE.md, "Start-up".
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const outdir = join(root, "dist", "bundle");
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: { main: join(root, "src", "cli", "main.ts") },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  sourcemap: true,
  logLevel: "warning",
  // CommonJS dependencies (proper-lockfile, isomorphic-git, …) call require() for Node's own
  // modules; in an ES module bundle that needs a real require.
  banner: { js: 'import { createRequire as __beadCreateRequire } from "node:module"; const require = __beadCreateRequire(import.meta.url);' },
  metafile: true,
});

// In a split bundle, `await import("pkg")` of a CommonJS package yields only `default`, where Node
// also offers the named exports: `const { parse } = await import("yaml")` works from dist/ and
// breaks in the bundle. Refuse to build such an import rather than ship it, except of packages
// whose call sites only ever take `.default` (the same object either way).
const DEFAULT_ONLY = new Set(["isomorphic-git"]);
const inputs = result.metafile.inputs;
const cjsDynamicImports = Object.entries(inputs).flatMap(([file, input]) =>
  input.imports
    .filter((i) => i.kind === "dynamic-import" && inputs[i.path]?.format === "cjs" && !DEFAULT_ONLY.has(i.original ?? ""))
    .map((i) => `${file} imports ${i.original ?? i.path}`),
);
if (cjsDynamicImports.length > 0) {
  console.error(`bundle: dynamic import() of CommonJS modules (use a static import, or .default):\n  ${cjsDynamicImports.join("\n  ")}`);
  process.exit(1);
}
