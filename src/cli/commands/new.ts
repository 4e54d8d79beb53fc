import { pushWrite } from "../push-write.js";
import { randomInt } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { setFields } from "../../bead/edit-yaml.js";
import { assertValidId, generateId } from "../../bead/ids.js";
import { readBoardConfig } from "../../board/config.js";
import { listBeadFiles } from "../../board/bead-files.js";
import { beadPath } from "../../board/paths.js";
import { createBead, writeContext } from "../../board/write.js";
import { InvalidArgumentError, NotFoundError, ParseError } from "../../errors.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { json } from "../output.js";
import { newBeadText, type NewBeadFields } from "../../board/new-bead.js";

interface NewOptions extends GlobalOptions {
  body?: string;
  priority?: string;
  type?: string;
  label?: string[];
  agent?: string;
  dep?: string[];
  sensitivity?: string;
}

export async function newBead(io: CliIo, title: string, options: NewOptions): Promise<void> {
  const paths = boardFor(io, options);
  const config = await readBoardConfig(paths.configFile);
  const body = options.body === "-" ? await io.readStdin() : (options.body ?? "");
  const fields: NewBeadFields = { title };
  if (options.priority !== undefined) {
    if (!/^[0-4]$/.test(options.priority)) throw new InvalidArgumentError(`--priority must be 0 (urgent) to 4 (someday), got ${options.priority}`);
    fields.priority = Number(options.priority);
  }
  if (options.type !== undefined) fields.type = options.type;
  if (options.label) fields.labels = options.label;
  if (options.agent !== undefined) fields.agent = options.agent;
  if (options.dep) {
    // Like `bead dep add`: a dep must name a bead that exists, or the new bead could never be ready.
    for (const dep of options.dep) {
      assertValidId(dep);
      if (!existsSync(join(paths.root, beadPath(dep)))) throw new NotFoundError("bead", dep, `--dep names no file ${beadPath(dep)}`);
    }
    fields.deps = options.dep;
  }
  if (options.sensitivity !== undefined) fields.sensitivity = options.sensitivity;
  const ctx = writeContext(paths, io.env);
  const count = listBeadFiles(paths.beadsDir).length;
  for (let attempt = 0; attempt < 5; attempt++) {
    const id = generateId(config.prefix, (candidate) => existsSync(join(paths.root, beadPath(candidate))), count, randomInt);
    const text = newBeadText(fields, body, new Date(), setFields);
    const created = await createBead(ctx, id, text, `new ${id}: ${title.split("\n")[0]}`).catch((error: unknown) => {
      // The options made a bead the board could not read (`--type feature`): say which, in the options' terms.
      if (error instanceof ParseError) throw new InvalidArgumentError(`refused: ${error.reason}; nothing was written`, { reason: error.reason });
      throw error;
    });
    if (created === false) continue; // another process minted the same id a moment ago
    await pushWrite(io, paths);
    io.out(options.json ? json({ id, path: beadPath(id) }) : `${id}\n`);
    return;
  }
  throw new InvalidArgumentError("could not mint a free bead id; try again");
}
