import { pushWrite } from "../push-write.js";
import { setFields } from "../../bead/edit-yaml.js";
import { assertValidId } from "../../bead/ids.js";
import { loadBoard } from "../../board/load.js";
import { beadPath } from "../../board/paths.js";
import { findCycles } from "../../board/queries.js";
import { editBead, writeContext } from "../../board/write.js";
import { InvalidArgumentError, NotFoundError } from "../../errors.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";

export async function depAdd(io: CliIo, id: string, blocker: string, options: GlobalOptions): Promise<void> {
  assertValidId(id);
  assertValidId(blocker);
  if (id === blocker) throw new InvalidArgumentError(`${id} cannot depend on itself`);
  const paths = boardFor(io, options);
  const board = await loadBoard(paths);
  const bead = board.byId.get(id);
  if (!bead) throw new NotFoundError("bead", id);
  if (!board.byId.has(blocker)) throw new NotFoundError("bead", blocker);
  const trial = board.beads.map((b) => (b.id === id ? { ...b, fields: { ...b.fields, deps: [...b.fields.deps, blocker] } } : b));
  const cycle = findCycles(trial).find((members) => members.includes(id));
  if (cycle) throw new InvalidArgumentError(`adding ${blocker} to ${id} would create a dependency cycle: ${[...cycle, cycle[0]].join(" -> ")}`);
  await editBead(
    writeContext(paths, io.env),
    id,
    (text, current) => (current.fields.deps.includes(blocker) ? null : setFields(text, { deps: [...current.fields.deps, blocker] }, beadPath(id))),
    `dep add ${id} ${blocker}`,
  );
  await pushWrite(io, paths);
  io.out(`${id} now waits for ${blocker}\n`);
}

export async function depRm(io: CliIo, id: string, blocker: string, options: GlobalOptions): Promise<void> {
  assertValidId(id);
  const paths = boardFor(io, options);
  await editBead(
    writeContext(paths, io.env),
    id,
    (text, current) => {
      if (!current.fields.deps.includes(blocker)) throw new NotFoundError("dependency", `${id} -> ${blocker}`);
      return setFields(text, { deps: current.fields.deps.filter((dep) => dep !== blocker) }, beadPath(id));
    },
    `dep rm ${id} ${blocker}`,
  );
  await pushWrite(io, paths);
  io.out(`${id} no longer waits for ${blocker}\n`);
}
