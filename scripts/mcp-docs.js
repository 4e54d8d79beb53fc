#!/usr/bin/env node
// Regenerate the tool reference in docs/MCP.md from src/mcp/schemas.ts (through tsc's dist/:
// run `npm run build` first). test/mcp/docs.test.ts fails while the file is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { withToolReference } from "../dist/mcp/docs.js";

const file = join(dirname(dirname(fileURLToPath(import.meta.url))), "docs", "MCP.md");
writeFileSync(file, withToolReference(readFileSync(file, "utf8")));
