// Load one of the project's TypeScript modules from the plain-JS bench: esbuild bundles it with
// its local imports into bench/out/ts/ (packages stay external), and it is imported from there.
// So the bench and the tests share one rig (test/helpers/git-server.ts) instead of a port of it.
import { build } from "esbuild";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

export async function importTs(relativePath) {
  const outfile = join(ROOT, "bench", "out", "ts", `${relativePath.replace(/[/\\]/g, "_").replace(/\.ts$/, "")}.mjs`);
  await build({ entryPoints: [join(ROOT, relativePath)], outfile, bundle: true, format: "esm", platform: "node", target: "node20.19", packages: "external", logLevel: "error" });
  return import(pathToFileURL(outfile).href);
}
