import { existsSync, lstatSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeBeadBytes } from "../bead/parse.js";
import { archivedBeadPath } from "../board/archive-paths.js";
import { loadBoard } from "../board/load.js";
import { beadPath, type BoardPaths } from "../board/paths.js";
import { createBead, type WriteContext } from "../board/write.js";
import { instanceText } from "./instance.js";
import { latestSlot, scheduleFrom, slotBeadId, type CronFields, type Schedule } from "../time/slots.js";

/**
 * Recurring beads while `bead up` runs: a bead with `schedule: "<cron>"` is a template, and at
 * each of its slots a fresh bead is made from it (id `<template>-YYYYMMDD-HHMM`, UTC), in a commit
 * that names the slot. Before making one, the board is checked for that id (also in the archive):
 * a clone that synced another clone's bead for the slot does not make it again, and two clones
 * racing make the same bytes at the same path, which merge cleanly.
 */
export interface RecurringOptions {
  paths: BoardPaths;
  ctx: WriteContext;
  parse: (pattern: string) => CronFields;
  log: (line: string) => void;
}

export interface RecurringTicker {
  /** Make what is due in (last tick, now]; the first tick looks back CATCH_UP_MS. Returns the ids made. */
  tick(nowMs: number): Promise<string[]>;
}

/** A `bead up` started just after a slot still makes it; anything older is left alone. */
export const CATCH_UP_MS = 60 * 60_000;

export function recurringTicker(options: RecurringOptions): RecurringTicker {
  let lastMs: number | undefined;
  const reported = new Set<string>();
  return {
    async tick(nowMs) {
      const afterMs = lastMs ?? nowMs - CATCH_UP_MS;
      lastMs = nowMs;
      const board = await loadBoard(options.paths);
      const made: string[] = [];
      for (const template of board.beads) {
        const pattern = template.fields.schedule;
        if (pattern === undefined) continue;
        const schedule = parseSchedule(options, template.id, pattern, reported);
        if (schedule === undefined) continue;
        const slot = latestSlot(schedule, afterMs, nowMs);
        if (slot === undefined) continue;
        const id = slotBeadId(template.id, slot);
        if (existsSync(join(options.paths.root, beadPath(id))) || existsSync(join(options.paths.root, archivedBeadPath(id)))) continue;
        const text = readTemplate(join(options.paths.root, template.path), template.path);
        if (text === undefined) continue;
        const iso = new Date(slot).toISOString();
        const created = await createBead(options.ctx, id, instanceText(text, template.id, id, slot), `recur ${template.id} slot ${iso}: ${id}`);
        if (created !== false) {
          made.push(id);
          options.log(`recur: ${id} from ${template.id} for ${iso}`);
        }
      }
      return made;
    },
  };
}

function parseSchedule(options: RecurringOptions, id: string, pattern: unknown, reported: Set<string>): Schedule | undefined {
  const report = (reason: string) => {
    // Once per template and pattern: a bad schedule must not fill the log every minute.
    const key = `${id}\0${String(pattern)}`;
    if (!reported.has(key)) options.log(`recur: ${beadPath(id)}: schedule ${JSON.stringify(pattern)} ${reason}; no beads are made from it`);
    reported.add(key);
    return undefined;
  };
  if (typeof pattern !== "string") return report("is not a cron pattern");
  let fields: CronFields;
  try {
    fields = options.parse(pattern);
  } catch (error) {
    return report(`is invalid (${(error as Error).message})`);
  }
  return scheduleFrom(fields) ?? report("uses L or # days, which beadboard does not support");
}

function readTemplate(full: string, file: string): string | undefined {
  try {
    const stat = lstatSync(full);
    return stat.isFile() ? decodeBeadBytes(readFileSync(full), file) : undefined;
  } catch {
    return undefined;
  }
}
