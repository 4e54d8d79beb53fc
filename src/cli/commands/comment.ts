import { appendComment } from "../../bead/comments.js";
import { setFields } from "../../bead/edit-yaml.js";
import { assertValidId } from "../../bead/ids.js";
import { InvalidArgumentError } from "../../errors.js";
import { beadPath } from "../../board/paths.js";
import { editBead, writeContext } from "../../board/write.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { json } from "../output.js";

/** Comments are notes, not attachments. */
const MAX_COMMENT_CHARS = 64 * 1024;

/** `bead comment <id> <text|->`: one comment appended to `## Comments`, one commit. */
export async function comment(io: CliIo, id: string, words: string[], options: GlobalOptions): Promise<void> {
  assertValidId(id);
  const text = words.length === 1 && words[0] === "-" ? await io.readStdin() : words.join(" ");
  if (text.trim() === "") throw new InvalidArgumentError("comment: the comment is empty; give the text, or '-' to read it from stdin");
  if (text.length > MAX_COMMENT_CHARS) throw new InvalidArgumentError(`comment: ${text.length} characters is more than ${MAX_COMMENT_CHARS}; put long text in the body (bead set ${id} --body -)`);
  const ctx = writeContext(boardFor(io, options), io.env);
  const at = new Date().toISOString();
  const entry = { author: ctx.identity.name, at, text };
  const result = await editBead(ctx, id, (current) => setFields(appendComment(current, entry, beadPath(id)), { updated: at }, beadPath(id)), `comment ${id} by ${ctx.identity.name}`);
  if (options.json) io.out(json({ id, ...entry, commit: result.commit?.oid ?? null }));
  else io.out(`${id}: comment added\n`);
}
