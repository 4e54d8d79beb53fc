import { lstatSync, readdirSync, readFileSync } from "node:fs";
import * as fs from "node:fs";
import { join } from "node:path";
import git from "isomorphic-git";
import type { Bead } from "../bead/fields.js";
import { getSection } from "../bead/edit-section.js";
import { assertValidId } from "../bead/ids.js";
import { decodeBeadBytes, MAX_BEAD_BYTES } from "../bead/parse.js";
import type { Board } from "../board/load.js";
import { beadPath, type BoardPaths } from "../board/paths.js";
import { blockersOf } from "../board/queries.js";
import { beadFromText } from "../board/read-bead.js";
import { NotFoundError } from "../errors.js";
import { currentBranchRef, readRef } from "../git/refs.js";
import { branchDiff } from "./branch-diff.js";
import { renderMarkdown } from "./markdown.js";
import { fieldsVersion, textVersion } from "./versions.js";
import { commonDir } from "../git/repository.js";

/** The column a card shows in: an open bead waiting on unfinished deps shows as blocked. */
export function columnOf(bead: Bead, byId: ReadonlyMap<string, Bead>): string {
  if (bead.fields.status === "open" && blockersOf(bead, byId).length > 0) return "blocked";
  return bead.fields.status;
}

export interface Card {
  id: string;
  title: string;
  status: string;
  column: string;
  priority: number;
  labels: string[];
  agent?: string;
  claimedBy?: string;
  leaseUntil?: string;
  escalation?: string;
  deps: string[];
  version: string;
}

/**
 * Cards by bead object: the live board keeps the objects of unchanged files from one look to the
 * next, so a 10,000-bead board hashes only the beads that changed since the last request.
 */
const cardCache = new WeakMap<Bead, Card>();

/** GET /api/board: every bead as a card, plus the files the board cannot read. */
export function boardView(board: Board): { cards: Card[]; problems: Array<{ path: string; line: number; reason: string }> } {
  const cards = board.beads.map((bead): Card => {
    const column = columnOf(bead, board.byId);
    const cached = cardCache.get(bead);
    if (cached) return cached.column === column ? cached : { ...cached, column };
    const card = cardOf(bead, column);
    cardCache.set(bead, card);
    return card;
  });
  return { cards, problems: board.problems.map(({ path, line, reason }) => ({ path, line, reason })) };
}

function cardOf(bead: Bead, column: string): Card {
    const { fields } = bead;
    const card: Card = {
      id: bead.id,
      title: fields.title,
      status: fields.status,
      column,
      priority: fields.priority,
      labels: fields.labels,
      deps: fields.deps,
      version: fieldsVersion(fields),
    };
    if (fields.agent !== undefined) card.agent = fields.agent;
    if (fields.claimed_by !== undefined) card.claimedBy = fields.claimed_by;
    if (fields.lease_until !== undefined) card.leaseUntil = fields.lease_until;
    if (fields.escalation !== undefined) card.escalation = fields.escalation;
    return card;
}

/** A bead file's text: lstat first (never a symlink out of the board), bounded. */
export function readBeadFileText(paths: BoardPaths, id: string): string {
  assertValidId(id);
  const file = join(paths.root, beadPath(id));
  const stat = lstatSync(file, { throwIfNoEntry: false });
  if (!stat) throw new NotFoundError("bead", id, `no file ${beadPath(id)}`);
  if (!stat.isFile()) throw new NotFoundError("bead", id, `${beadPath(id)} is not a regular file (a symlink?); not read`);
  if (stat.size > MAX_BEAD_BYTES) throw new NotFoundError("bead", id, `${beadPath(id)} is larger than ${MAX_BEAD_BYTES} bytes; not read`);
  return decodeBeadBytes(readFileSync(file), beadPath(id));
}

const MAX_TRANSCRIPT_BYTES = 256 * 1024;
const MAX_HISTORY = 100;

/** GET /api/bead/:id: everything the bead view shows. */
export async function beadView(board: Board, id: string): Promise<Record<string, unknown>> {
  const paths = board.paths;
  const text = readBeadFileText(paths, id);
  const bead = beadFromText(text, id, Date.now());
  const result = getSection(text, "Result");
  return {
    id,
    path: bead.path,
    fields: bead.fields,
    column: columnOf(bead, board.byId),
    body: bead.body,
    bodyHtml: renderMarkdown(bead.body),
    resultHtml: result === undefined ? null : renderMarkdown(result),
    version: textVersion(text),
    deps: bead.fields.deps.map((dep) => ({ id: dep, title: board.byId.get(dep)?.fields.title ?? null, status: board.byId.get(dep)?.fields.status ?? "missing" })),
    dependents: board.beads.filter((other) => other.fields.deps.includes(id)).map((other) => ({ id: other.id, title: other.fields.title, status: other.fields.status })),
    history: await history(paths, id),
    transcript: transcript(paths, id),
    branch: await branchDiff(paths, id),
  };
}

async function history(paths: BoardPaths, id: string): Promise<Array<{ oid: string; date: string; author: string; message: string }>> {
  const head = readRef(paths.gitdir, currentBranchRef(paths.gitdir));
  if (!head) return [];
  try {
    const commits = await git.log({ fs, dir: paths.root, gitdir: commonDir(paths.gitdir), ref: head, filepath: beadPath(id), force: true, depth: MAX_HISTORY, cache: {} });
    return commits.map(({ oid, commit }) => ({
      oid,
      date: new Date(commit.committer.timestamp * 1000).toISOString(),
      author: commit.author.name,
      message: commit.message.trimEnd().slice(0, 2000),
    }));
  } catch {
    return []; // never committed yet
  }
}

/** A tool agent's run, as its harness wrote it under .git/beadboard/transcripts/<id>/ (bounded, regular files only). */
function transcript(paths: BoardPaths, id: string): Array<{ file: string; text: string }> | null {
  const dir = join(paths.stateDir, "transcripts", id);
  const stat = lstatSync(dir, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) return null;
  let budget = MAX_TRANSCRIPT_BYTES;
  const files: Array<{ file: string; text: string }> = [];
  for (const name of readdirSync(dir).sort().slice(0, 50)) {
    const fileStat = lstatSync(join(dir, name), { throwIfNoEntry: false });
    if (!fileStat?.isFile() || budget <= 0) continue;
    const bytes = readFileSync(join(dir, name)).subarray(0, budget);
    budget -= bytes.length;
    files.push({ file: name, text: bytes.toString("utf8") });
  }
  return files;
}
