/**
 * The folders of src/ form layers, and imports run one way: down. Each folder sits in one tier of
 * LAYERS (docs/ARCHITECTURE.md, "Layout"); a file may import from a lower tier only, never from
 * its own tier's other folders or from above. A folder cycle is then impossible, and this test
 * names the file and line of any import that would start one. Type-only and dynamic imports
 * count: they tie the folders together just the same.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/** Lowest first. Folders in one tier are independent of each other. */
const LAYERS: readonly (readonly string[])[] = [
  ["errors.ts"],
  ["schema", "time", "os"],
  ["bead"],
  ["git"],
  ["board"],
  ["sync"],
  ["claim", "recur", "import", "search", "stats", "policy", "model"],
  ["memory", "workspace", "harness"],
  ["agent"],
  ["serve", "mcp", "eval"],
  ["cli"],
];

interface ImportEdge {
  file: string;
  line: number;
  from: string;
  to: string;
}

interface Violation {
  edge: ImportEdge;
  why: string;
}

const SRC = resolve(import.meta.dirname, "../../src");

/** The layer unit of a path under src/: its top folder, or the file itself at the top (errors.ts). */
function unitOf(pathUnderSrc: string): string {
  const [top = pathUnderSrc, ...rest] = pathUnderSrc.split(sep);
  return rest.length === 0 ? top.replace(/\.js$/, ".ts") : top;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every relative import of one file that leaves its folder, with its line (static, dynamic, `import type`, `export … from`). */
function crossFolderImports(file: string, text: string): ImportEdge[] {
  const from = unitOf(relative(SRC, file));
  const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((match) => (match.index ?? 0) + 1)];
  const lineOf = (pos: number) => lineStarts.filter((start) => start <= pos).length;
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.filter((imported) => imported.fileName.startsWith("."))
    .map((imported) => ({ file: relative(SRC, file), line: lineOf(imported.pos), from, to: unitOf(relative(SRC, resolve(dirname(file), imported.fileName))) }))
    .filter((edge) => edge.to !== edge.from);
}

/** Every relative import of one file, file to file (src/-relative, .ts), for the file-level cycle check. */
function fileImports(file: string, text: string): ImportEdge[] {
  const from = relative(SRC, file);
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.filter((imported) => imported.fileName.startsWith("."))
    .map((imported) => ({ file: from, line: 0, from, to: relative(SRC, resolve(dirname(file), imported.fileName)).replace(/\.js$/, ".ts") }));
}

/** The imports that run against the layer order, each with the fix. Pure: the edges and the layers in, the verdicts out. */
function layerViolations(edges: readonly ImportEdge[], layers: readonly (readonly string[])[]): Violation[] {
  const tier = new Map(layers.flatMap((units, index) => units.map((unit) => [unit, index] as const)));
  const violations: Violation[] = [];
  for (const edge of edges) {
    const where = `${edge.file}:${edge.line} imports ${edge.to}`;
    const fromTier = tier.get(edge.from);
    const toTier = tier.get(edge.to);
    if (fromTier === undefined) violations.push({ edge, why: `${edge.file}: ${edge.from} has no place in the layer order; add it to LAYERS in test/house/layers.test.ts and to docs/ARCHITECTURE.md "Layout"` });
    else if (toTier === undefined) violations.push({ edge, why: `${where}, which has no place in the layer order; add it to LAYERS and to docs/ARCHITECTURE.md "Layout"` });
    else if (toTier === fromTier) violations.push({ edge, why: `${where}, a folder of the same tier (${edge.from} and ${edge.to} are independent): move what both need down a tier, or pass it in as a function` });
    else if (toTier > fromTier) violations.push({ edge, why: `${where}, which is above ${edge.from} in the layer order: move what it needs down, or pass it in as a function` });
  }
  return violations;
}

/** Folder cycles among the edges (a strongly connected set of more than one folder), for the message only. */
function folderCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const edge of edges) next.set(edge.from, (next.get(edge.from) ?? new Set()).add(edge.to));
  const reaches = (start: string, goal: string): boolean => {
    const seen = new Set<string>();
    const stack = [start];
    while (stack.length > 0) {
      const unit = stack.pop() as string;
      if (unit === goal) return true;
      if (seen.has(unit)) continue;
      seen.add(unit);
      stack.push(...(next.get(unit) ?? []));
    }
    return false;
  };
  const units = [...next.keys()].sort();
  const cycles: string[][] = [];
  const placed = new Set<string>();
  for (const unit of units) {
    if (placed.has(unit)) continue;
    const members = units.filter((other) => other === unit || (reaches(unit, other) && reaches(other, unit)));
    for (const member of members) placed.add(member);
    if (members.length > 1) cycles.push(members);
  }
  return cycles;
}

const edge = (from: string, to: string, line = 1): ImportEdge => ({ file: `${from}/a.ts`, line, from, to });

describe("the layer checker", () => {
  const layers = [["errors.ts"], ["bead", "time"], ["board"]];

  it("lets imports run down", () => {
    expect(layerViolations([edge("board", "bead"), edge("bead", "errors.ts")], layers)).toEqual([]);
  });

  it("refuses an import up, naming the file, the line and the fix", () => {
    const [violation] = layerViolations([edge("bead", "board", 7)], layers);
    expect(violation?.why).toBe("bead/a.ts:7 imports board, which is above bead in the layer order: move what it needs down, or pass it in as a function");
  });

  it("refuses an import between two folders of one tier", () => {
    expect(layerViolations([edge("time", "bead")], layers)[0]?.why).toContain("a folder of the same tier");
  });

  it("refuses a folder the order does not place", () => {
    expect(layerViolations([edge("serve", "board")], layers)[0]?.why).toContain("serve has no place in the layer order");
    expect(layerViolations([edge("board", "serve")], layers)[0]?.why).toContain("imports serve, which has no place");
  });

  it("finds a cycle of three folders", () => {
    expect(folderCycles([edge("a", "b"), edge("b", "c"), edge("c", "a"), edge("c", "d")])).toEqual([["a", "b", "c"]]);
  });

  it("reads static, type-only, dynamic and re-export imports with their lines", () => {
    const file = join(SRC, "board", "x.ts");
    const text = 'import { a } from "../bead/a.js";\nimport type { B } from "../cli/b.js";\nconst c = await import("../model/c.js");\nexport { d } from "./d.js";\ntype E = typeof import("../../src/agent/e.js");\n';
    expect(crossFolderImports(file, text).map((found) => `${found.line} ${found.to}`)).toEqual(["1 bead", "2 cli", "3 model", "5 agent"]);
  });
});

describe("src/", () => {
  const edges = sourceFiles(SRC).flatMap((file) => crossFolderImports(file, readFileSync(file, "utf8")));

  it("has imports (the scan sees the tree)", () => {
    expect(edges.length).toBeGreaterThan(100);
  });

  it("imports only down the layer order", () => {
    expect(layerViolations(edges, LAYERS).map((violation) => violation.why)).toEqual([]);
  });

  it("has no folder cycle", () => {
    expect(folderCycles(edges)).toEqual([]);
  });

  it("has no file that imports, through others or itself, a file that imports it back", () => {
    // Inside a folder too: a type both sides need goes in a file of its own (agent/worker-env.ts).
    const fileEdges = sourceFiles(SRC).flatMap((file) => fileImports(file, readFileSync(file, "utf8")));
    expect(fileEdges.length).toBeGreaterThan(edges.length);
    expect(folderCycles(fileEdges)).toEqual([]);
  });
});
