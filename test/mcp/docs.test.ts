/** docs/MCP.md's tool reference is the one the server registers: regenerated, it is unchanged. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { withToolReference } from "../../src/mcp/docs.js";
import { TOOLS } from "../../src/mcp/schemas.js";

const DOC = fileURLToPath(new URL("../../docs/MCP.md", import.meta.url));

describe("docs/MCP.md", () => {
  it("holds the current tool reference (run `npm run build && node scripts/mcp-docs.js` after changing src/mcp/schemas.ts)", () => {
    const text = readFileSync(DOC, "utf8");
    expect(withToolReference(text)).toBe(text);
    for (const name of Object.keys(TOOLS)) expect(text).toContain(`### \`${name}\``);
  });

  it("refuses a document without the markers instead of appending somewhere", () => {
    expect(() => withToolReference("# MCP\n")).toThrow(/lacks the markers/);
  });
});
