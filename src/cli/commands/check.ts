import { checklistItems, setChecked } from "../../bead/checklist.js";
import { setFields } from "../../bead/edit-yaml.js";
import { splitFrontMatter } from "../../bead/frontmatter.js";
import { assertValidId } from "../../bead/ids.js";
import { InvalidArgumentError } from "../../errors.js";
import { beadPath } from "../../board/paths.js";
import { editBead, writeContext } from "../../board/write.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";

/** `bead check <id> <n>`: tick task-list item n (as `bead show` numbers them); one character, one commit. */
export async function check(io: CliIo, id: string, n: string, options: GlobalOptions): Promise<void> {
  await tick(io, id, n, true, options);
}

export async function uncheck(io: CliIo, id: string, n: string, options: GlobalOptions): Promise<void> {
  await tick(io, id, n, false, options);
}

async function tick(io: CliIo, id: string, given: string, checked: boolean, options: GlobalOptions): Promise<void> {
  assertValidId(id);
  const n = Number(given);
  if (!/^\d+$/.test(given) || n < 1) throw new InvalidArgumentError(`${given}: give the item's number (1 is the first; \`bead show ${id}\` lists them)`);
  const file = beadPath(id);
  const result = await editBead(
    writeContext(boardFor(io, options), io.env),
    id,
    (text) => {
      const split = splitFrontMatter(text, file);
      const next = setChecked(text, split.bodyStart, n, checked);
      if (next === undefined) {
        const count = checklistItems(split.body).length;
        throw new InvalidArgumentError(`${file}: there is no checklist item ${n}; the bead has ${count === 0 ? "no checklist items (- [ ] lines)" : `items 1 to ${count}`}`);
      }
      return next === text ? null : setFields(next, { updated: new Date().toISOString() }, file);
    },
    `${checked ? "check" : "uncheck"} ${id} item ${n}`,
  );
  const progress = result.bead.checklist;
  const state = progress ? ` (${progress.done}/${progress.total})` : "";
  io.out(result.commit ? `${id}: item ${n} ${checked ? "checked" : "unchecked"}${state}\n` : `${id}: item ${n} already ${checked ? "checked" : "unchecked"}${state}\n`);
}
