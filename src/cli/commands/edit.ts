import { spawn } from "node:child_process";
import { lstatSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { decodeBeadBytes } from "../../bead/parse.js";
import { join } from "node:path";
import { assertValidId } from "../../bead/ids.js";
import { ConflictError, InvalidArgumentError, NotFoundError, ParseError } from "../../errors.js";
import { beadPath } from "../../board/paths.js";
import { beadFromText } from "../../board/read-bead.js";
import { editBead, writeContext } from "../../board/write.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";

/**
 * `bead edit <id>`: like `git commit`, open $VISUAL, else $EDITOR, else vi, on a copy of the bead
 * under .git/beadboard/edit/, run through `sh -c '$EDITOR "$@"'` so that `code --wait` works.
 * Saved unchanged: nothing happens. Saved valid: committed. Saved invalid, or the file changed on
 * disk meanwhile: the person's text is kept in .git/beadboard/recovery/ and the error says where.
 */
export async function edit(io: CliIo, id: string, options: GlobalOptions): Promise<void> {
  assertValidId(id);
  const paths = boardFor(io, options);
  const file = beadPath(id);
  const full = join(paths.root, file);
  const stat = lstatSync(full, { throwIfNoEntry: false });
  if (stat === undefined) throw new NotFoundError("bead", id, `no file ${file}`);
  if (!stat.isFile()) throw new InvalidArgumentError(`${file} is not a regular file (a symlink?); bead edit opens only bead files`);
  const original = decodeBeadBytes(readFileSync(full), file);
  const draftDir = join(paths.stateDir, "edit");
  mkdirSync(draftDir, { recursive: true });
  const draft = join(draftDir, `${id}.md`);
  writeFileSync(draft, original);
  const editor = io.env.VISUAL || io.env.EDITOR || "vi";
  const code = await runEditor(editor, draft, io.env);
  if (code !== 0) throw new InvalidArgumentError(`the editor (${editor}) exited with ${code}; ${file} is unchanged`);
  const edited = readFileSync(draft, "utf8");
  if (edited === original) {
    io.out(`${id}: unchanged\n`);
    return;
  }
  try {
    beadFromText(edited, id, Date.now());
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    const kept = keep(paths.stateDir, id, edited);
    throw new InvalidArgumentError(`${file}:${error.line}: ${error.reason}${error.fix ? ` (${error.fix})` : ""}; nothing was written, your text is kept in ${kept}`, {
      file,
      line: error.line,
      recovery: kept,
    });
  }
  const result = await editBead(
    writeContext(paths, io.env),
    id,
    (current) => {
      if (current !== original) {
        const kept = keep(paths.stateDir, id, edited);
        throw new ConflictError(file, `the file changed on disk while you edited it; nothing was written, your text is kept in ${kept}`);
      }
      return edited;
    },
    `edit ${id}`,
  );
  io.out(result.commit ? `${id}: updated\n` : `${id}: unchanged\n`);
}

function keep(stateDir: string, id: string, text: string): string {
  const dir = join(stateDir, "recovery");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${id}-${new Date().toISOString().replace(/[:.]/g, "-")}.md`);
  writeFileSync(path, text);
  return path;
}

function runEditor(editor: string, file: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", `${editor} "$@"`, editor, file], { stdio: "inherit", env });
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}
