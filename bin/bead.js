#!/usr/bin/env node
// The installed `bead`: dist/bundle/launch.cjs (src/cli/launch.ts), which answers stored
// queries itself and runs the CLI bundle dist/bundle/bead.cjs for everything else. Both are made
// by `npm run build`.
import { fileURLToPath } from "node:url";
import { launch } from "../dist/bundle/launch.cjs";

launch(process.argv.slice(2), { bundlePath: fileURLToPath(new URL("../dist/bundle/bead.cjs", import.meta.url)) }).then((code) => {
  process.exitCode = code;
});
