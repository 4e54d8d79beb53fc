/**
 * Validate before writing, with the reader's own rules: a file the board would refuse on its
 * next read (a NUL byte, over the size bound, invalid bead front-matter) is refused before
 * anything is written, with an error naming the file and the reason.
 */
import type { BeadWithBody } from "../bead/fields.js";
import { idFromFileName } from "../bead/ids.js";
import { decodeBeadBytes } from "../bead/parse.js";
import { InvalidArgumentError, ParseError } from "../errors.js";
import { beadFromText } from "./read-bead.js";
import { MAX_BOARD_FILE_BYTES } from "./safe-read.js";

function refused(path: string, reason: string): InvalidArgumentError {
  const what = path.startsWith("beads/") ? "the bead invalid" : "the file unreadable";
  return new InvalidArgumentError(`${path}: refused, the change would make ${what}: ${reason}; nothing was written`, { file: path, reason });
}

/** Throws InvalidArgumentError when `content` for board file `path` would be refused on read. */
export function checkBoardFileContent(path: string, content: string): void {
  checkBoardFileBytes(path, content);
  const match = /^beads\/([^/]+)$/.exec(path);
  const id = match ? idFromFileName(match[1]!) : undefined;
  if (id !== undefined) checkBeadText(content, id);
}

/** The size and binary-content rules of the reader, for any board file. */
export function checkBoardFileBytes(path: string, content: string): void {
  const bytes = Buffer.from(content, "utf8");
  if (bytes.byteLength > MAX_BOARD_FILE_BYTES) {
    throw refused(path, `it would be ${(bytes.byteLength / (1024 * 1024)).toFixed(1)} MB; a board file may be at most ${MAX_BOARD_FILE_BYTES / (1024 * 1024)} MB`);
  }
  // The reader sniffs for binary content; text files of the board never hold a NUL byte anywhere.
  const nul = content.indexOf("\u0000");
  if (nul >= 0 && path.endsWith(".md")) {
    const line = content.slice(0, nul).split("\n").length;
    throw refused(path, `a NUL byte on line ${line} (binary content)`);
  }
}

/** The bead `text` makes, decoded and parsed exactly as the reader would; refused otherwise. */
export function checkBeadText(text: string, id: string): BeadWithBody {
  const path = `beads/${id}.md`;
  try {
    return parseBeadForWrite(text, id);
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    throw refused(path, `${error.reason}${error.line > 1 ? ` (line ${error.line})` : ""}`);
  }
}

/** checkBeadText, but a bead the parser refuses throws the parser's ParseError (size and NUL: InvalidArgumentError). */
export function parseBeadForWrite(text: string, id: string): BeadWithBody {
  const path = `beads/${id}.md`;
  checkBoardFileBytes(path, text);
  const bead = beadFromText(decodeBeadBytes(Buffer.from(text, "utf8"), path), id, Date.now());
  // YAML escapes it as "\0", but the title goes into commit messages, which cannot hold a NUL.
  if (bead.fields.title.includes("\u0000")) throw new ParseError(path, 2, "a NUL byte in the title (binary content)");
  return bead;
}
