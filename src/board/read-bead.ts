import { join } from "node:path";
import type { BeadWithBody } from "../bead/fields.js";
import { decodeBeadBytes, frontMatterKeyLine, parseBead } from "../bead/parse.js";
import { ParseError } from "../errors.js";
import { checklistProgress } from "../bead/checklist.js";
import { beadPath } from "./paths.js";
import { readBoardFileBytes } from "./safe-read.js";
import { idFromFileName } from "../bead/ids.js";
import type { BeadFileEntry, BoardProblem } from "./board-types.js";

/** Parse one bead file into a board entry: a bead, or the problem that keeps it off the board. */
export function readBeadEntry(beadsDir: string, name: string, mtimeMs: number): BeadFileEntry {
  const path = `beads/${name}`;
  const id = idFromFileName(name);
  if (id === undefined) {
    return {
      problem: {
        path,
        line: 1,
        reason: "file name is not a valid bead id",
        fix: "rename it to letters, digits, '.', '_' or '-' ending in .md",
      },
    };
  }
  try {
    const { body: _body, ...bead } = parseBeadFile(join(beadsDir, name), id, mtimeMs);
    return { bead };
  } catch (error) {
    if (error instanceof ParseError) {
      const problem: BoardProblem = { path, line: error.line, reason: error.reason };
      if (error.fix !== undefined) problem.fix = error.fix;
      return { problem };
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return {}; // deleted between listing and reading
    // One unreadable file must not take the whole board down.
    if (typeof code === "string") return { problem: { path, line: 1, reason: `cannot read the file (${code})`, fix: "check its permissions" } };
    throw error;
  }
}

/** Read and validate one bead file, throwing ParseError naming `beads/<id>.md` and the line. */
export function parseBeadFile(fullPath: string, id: string, mtimeMs?: number): BeadWithBody {
  const path = beadPath(id);
  const text = decodeBeadBytes(readBoardFileBytes(fullPath, path), path);
  return beadFromText(text, id, mtimeMs ?? Date.now());
}

export function beadFromText(text: string, id: string, mtimeMs: number): BeadWithBody {
  const path = beadPath(id);
  const { fields, body } = parseBead(text, path);
  if (fields.id !== undefined && String(fields.id) !== id) {
    throw new ParseError(path, frontMatterKeyLine(text, "id", path), `id mismatch: the file says id ${String(fields.id)} but its name makes it ${id}`, "rename the file or remove the id: line");
  }
  const created = fields.created ? Date.parse(fields.created) : Number.NaN;
  const bead: BeadWithBody = { id, path, fields, body, createdMs: Number.isNaN(created) ? mtimeMs : created };
  const checklist = checklistProgress(body);
  if (checklist.total > 0) bead.checklist = checklist;
  return bead;
}
