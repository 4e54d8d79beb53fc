import { randomInt } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { BeadWithBody } from "../bead/fields.js";
import { ESCALATIONS, STATUSES } from "../bead/fields.js";
import { setFields } from "../bead/edit-yaml.js";
import { splitFrontMatter } from "../bead/frontmatter.js";
import { assertValidId, generateId } from "../bead/ids.js";
import { listBeadFiles } from "../board/bead-files.js";
import { readBoardConfig } from "../board/config.js";
import type { Board } from "../board/load.js";
import { newBeadText, type NewBeadFields } from "../board/new-bead.js";
import { beadPath } from "../board/paths.js";
import { findCycles } from "../board/queries.js";
import { createBead, editBead, type WriteContext } from "../board/write.js";
import { InvalidArgumentError, NotFoundError, ParseError } from "../errors.js";
import { stringField } from "./http.js";
import { assertVersion } from "./versions.js";

/**
 * The page's actions, each the same edit and the same commit message as the CLI command a
 * person would type (`bead new`, `set`, `close`, `reopen`, `dep add`), through the same write
 * path (board/write.ts: lock, surgical edit, commit). Each edit first checks, under the lock,
 * that the bead is still the version the page saw; if not, ConflictError (409), nothing written.
 */

/** Fields the claim protocol owns (as in `bead set`). */
const PROTECTED = new Set(["claimed_by", "claimed_at", "lease_until", "id"]);
const KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

type Changes = Record<string, unknown>;

async function stampedEdit(ctx: WriteContext, id: string, version: string, changes: Changes, message: string): Promise<{ changed: boolean }> {
  const updated = new Date().toISOString();
  const result = await editBead(
    ctx,
    id,
    (text, bead: BeadWithBody) => {
      assertVersion(beadPath(id), version, text, bead.fields);
      const next = setFields(text, changes, beadPath(id));
      return next === text ? null : setFields(next, { updated }, beadPath(id));
    },
    message,
  );
  return { changed: result.commit !== null };
}

/** POST /api/beads {title, body?, priority?, labels?, agent?}: as `bead new`. */
export async function createFromPage(ctx: WriteContext, body: Record<string, unknown>): Promise<{ id: string }> {
  const title = stringField(body, "title", 500).trim();
  if (title === "") throw new InvalidArgumentError("a bead needs a title");
  const fields: NewBeadFields = { title };
  if (body.priority !== undefined) {
    if (typeof body.priority !== "number" || !Number.isInteger(body.priority) || body.priority < 0 || body.priority > 4) {
      throw new InvalidArgumentError("priority must be 0 (urgent) to 4 (someday)");
    }
    fields.priority = body.priority;
  }
  const labels = stringList(body.labels, "labels");
  if (labels.length > 0) fields.labels = labels;
  if (typeof body.agent === "string" && body.agent.trim() !== "") fields.agent = body.agent.trim();
  const text = typeof body.body === "string" ? body.body : "";
  const config = await readBoardConfig(ctx.paths.configFile);
  const count = listBeadFiles(ctx.paths.beadsDir).length;
  for (let attempt = 0; attempt < 5; attempt++) {
    const id = generateId(config.prefix, (candidate) => existsSync(join(ctx.paths.root, beadPath(candidate))), count, randomInt);
    const created = await createBead(ctx, id, newBeadText(fields, text, new Date(), setFields), `new ${id}: ${title.split("\n")[0]}`).catch((error: unknown) => {
      if (error instanceof ParseError) throw new InvalidArgumentError(`refused: ${error.reason}; nothing was written`, { reason: error.reason });
      throw error;
    });
    if (created !== false) return { id };
  }
  throw new InvalidArgumentError("could not mint a free bead id; try again");
}

/** POST /api/bead/:id/fields {version, fields: {key: value|null}}: as `bead set id key=value …` (null removes). */
export async function setFromPage(ctx: WriteContext, id: string, body: Record<string, unknown>): Promise<{ changed: boolean }> {
  assertValidId(id);
  const version = stringField(body, "version", 100);
  const given = body.fields;
  if (typeof given !== "object" || given === null || Array.isArray(given)) throw new InvalidArgumentError("fields must be an object of key: value");
  const changes: Changes = {};
  const parts: string[] = [];
  for (const [key, value] of Object.entries(given as Record<string, unknown>)) {
    if (!KEY.test(key)) throw new InvalidArgumentError(`${JSON.stringify(key)} is not a field name`);
    if (PROTECTED.has(key)) throw new InvalidArgumentError(`${key} is managed by the claim protocol; use \`bead claim\` / \`bead release\``);
    if (key === "status" && value === "claimed") throw new InvalidArgumentError("use `bead claim <id> --as <name>` to claim a bead");
    if (value !== null && typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean" && !Array.isArray(value)) {
      throw new InvalidArgumentError(`${key}: a value is text, a number, true/false or a list`);
    }
    changes[key] = value === null || value === "" ? undefined : Array.isArray(value) ? stringList(value, key) : value;
    parts.push(`${key}=${value === null ? "" : Array.isArray(value) ? `[${value.join(", ")}]` : String(value)}`);
  }
  if (parts.length === 0) return { changed: false };
  return stampedEdit(ctx, id, version, changes, `set ${id} ${parts.join(" ")}`.slice(0, 200));
}

/** POST /api/bead/:id/status {version, status}: done as `bead close`, open as `bead reopen`, else as `bead set status=`. */
export async function statusFromPage(ctx: WriteContext, id: string, body: Record<string, unknown>): Promise<{ changed: boolean }> {
  assertValidId(id);
  const version = stringField(body, "version", 100);
  const status = stringField(body, "status", 20);
  if (!(STATUSES as readonly string[]).includes(status)) throw new InvalidArgumentError(`status must be one of ${STATUSES.join(", ")}`);
  if (status === "claimed") throw new InvalidArgumentError("use `bead claim <id> --as <name>` to claim a bead");
  if (status === "done") return stampedEdit(ctx, id, version, { status: "done", lease_until: undefined }, `close ${id}`);
  if (status === "open") return stampedEdit(ctx, id, version, { status: "open", claimed_by: undefined, claimed_at: undefined, lease_until: undefined, reason: undefined }, `reopen ${id}`);
  return stampedEdit(ctx, id, version, { status }, `set ${id} status=${status}`);
}

/** POST /api/bead/:id/escalation {version, decision: approved|denied}. */
export async function escalationFromPage(ctx: WriteContext, id: string, body: Record<string, unknown>): Promise<{ changed: boolean }> {
  assertValidId(id);
  const version = stringField(body, "version", 100);
  const decision = stringField(body, "decision", 20);
  if (decision !== ESCALATIONS[1] && decision !== ESCALATIONS[2]) throw new InvalidArgumentError("decision must be approved or denied");
  return stampedEdit(ctx, id, version, { escalation: decision }, `set ${id} escalation=${decision}`);
}

/** POST /api/bead/:id/body {version, body}: the front-matter kept byte for byte, the body replaced. */
export async function bodyFromPage(ctx: WriteContext, id: string, body: Record<string, unknown>): Promise<{ changed: boolean }> {
  assertValidId(id);
  const version = stringField(body, "version", 100);
  const newBody = stringField(body, "body", 200_000);
  const updated = new Date().toISOString();
  const result = await editBead(
    ctx,
    id,
    (text, bead) => {
      assertVersion(beadPath(id), version, text, bead.fields);
      const split = splitFrontMatter(text, beadPath(id));
      const normalised = newBody.replace(/\r\n/g, "\n").trimEnd();
      const withBody = text.slice(0, split.bodyStart) + (normalised ? `${normalised}\n`.replace(/\n/g, split.eol) : "");
      return withBody === text ? null : setFields(withBody, { updated }, beadPath(id));
    },
    `edit ${id}: body`,
  );
  return { changed: result.commit !== null };
}

/** POST /api/bead/:id/deps {version, blocker}: as `bead dep add id blocker` (cycle refused). */
export async function depFromPage(ctx: WriteContext, board: Board, id: string, body: Record<string, unknown>): Promise<{ changed: boolean }> {
  assertValidId(id);
  const version = stringField(body, "version", 100);
  const blocker = stringField(body, "blocker", 200).trim();
  assertValidId(blocker);
  if (id === blocker) throw new InvalidArgumentError(`${id} cannot depend on itself`);
  if (!board.byId.has(id)) throw new NotFoundError("bead", id);
  if (!board.byId.has(blocker)) throw new NotFoundError("bead", blocker);
  const trial = board.beads.map((b) => (b.id === id ? { ...b, fields: { ...b.fields, deps: [...b.fields.deps, blocker] } } : b));
  const cycle = findCycles(trial).find((members) => members.includes(id));
  if (cycle) throw new InvalidArgumentError(`adding ${blocker} to ${id} would create a dependency cycle: ${[...cycle, cycle[0]].join(" -> ")}`);
  const result = await editBead(
    ctx,
    id,
    (text, current) => {
      assertVersion(beadPath(id), version, text, current.fields);
      return current.fields.deps.includes(blocker) ? null : setFields(text, { deps: [...current.fields.deps, blocker] }, beadPath(id));
    },
    `dep add ${id} ${blocker}`,
  );
  return { changed: result.commit !== null };
}

function stringList(value: unknown, key: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) throw new InvalidArgumentError(`${key} must be a list of text`);
  return (value as string[]).map((item) => item.trim()).filter((item) => item !== "").slice(0, 50);
}
