import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * This installation's `bead` script (bin/bead.js), found by walking up from this module: it runs
 * from src/ under the tests, from tsc's dist/cli/ and from the bundle in dist/bundle/, so no
 * fixed relative path is right for all three. Empty when it cannot be found.
 */
export function installedBin(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const bin = join(dir, "bin", "bead.js");
    if (existsSync(bin) && existsSync(join(dir, "package.json"))) return bin;
    const parent = dirname(dir);
    if (parent === dir) return "";
    dir = parent;
  }
}
