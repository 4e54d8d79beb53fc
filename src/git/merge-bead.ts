/**
 * Bead-aware three-way merge of one bead file (pure). `ours` is this clone's version, `theirs`
 * the remote's (already on the server), `base` their common ancestor's (null: absent there).
 *
 * Front-matter, field by field:
 * - a field changed on one side only takes that side's value;
 * - status and the claim fields (claimed_by, claimed_at, lease_until) move together, from the
 *   side whose status ranks higher: done > failed > cancelled > blocked > claimed > open.
 *   `blocked` outranks `claimed` because it is set by a person stopping work or by the holder
 *   reporting it cannot go on, both deliberate statements made after a claim. With the same
 *   status on both sides the remote wins: of two claims, the one already on the server stands
 *   (the same holder on both sides keeps the later lease);
 * - `updated` takes the later time, `attempts` the larger number;
 * - labels and deps: additions from both sides are kept, an item either side removed is gone;
 * - any other field both sides set differently: the remote's value, recorded in a note.
 * The body is merged by lines (./diff3.ts); where both sides changed the same lines, both
 * versions are kept, ours first, so two `## Result` sections both survive.
 *
 * The merged file is built by splicing (setFields) the text of the side whose front-matter a
 * person may have formatted, so comments, key order and quoting survive.
 * Deletions are explicit: deleted on one side and changed on the other keeps the changed file.
 */
import { isDeepStrictEqual } from "node:util";
import { setFields } from "../bead/edit-yaml.js";
import { splitFrontMatter } from "../bead/frontmatter.js";
import { parseFrontMatterYaml } from "../bead/parse.js";
import { ParseError } from "../errors.js";
import { merge3 } from "./diff3.js";
import { mergeCommentBodies } from "../bead/comments.js";

export type MergeNoteKind = "status" | "claim" | "field" | "body" | "deleted" | "unparsed" | "conflict-file" | "renamed";

export interface MergeNote {
  path: string;
  kind: MergeNoteKind;
  field?: string;
  detail: string;
}

export interface BeadMergeInput {
  path: string;
  base: string | null;
  ours: string | null;
  theirs: string | null;
}

export interface BeadMergeResult {
  /** The merged file, or null when the bead is deleted. */
  text: string | null;
  notes: MergeNote[];
}

type Fields = Record<string, unknown>;

const STATUS_RANK: Record<string, number> = { open: 1, claimed: 2, blocked: 3, cancelled: 4, failed: 5, done: 6 };
const STATUS_GROUP = ["status", "claimed_by", "claimed_at", "lease_until"] as const;

/** Higher wins a merge where both sides changed the status. Unknown statuses rank lowest. */
export function statusRank(status: unknown): number {
  return STATUS_RANK[typeof status === "string" ? status : "open"] ?? 0;
}

export function mergeBead({ path, base, ours, theirs }: BeadMergeInput): BeadMergeResult {
  const notes: MergeNote[] = [];
  if (ours === theirs) return { text: ours, notes };
  if (ours === null || theirs === null) return mergeDeletion(path, base, ours, theirs);
  if (ours === base) return { text: theirs, notes };
  if (theirs === base) return { text: ours, notes };
  let parts: [Parts, Parts, Parts];
  try {
    parts = [parts0(base, path), parts0(ours, path), parts0(theirs, path)];
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    return mergeAsText(path, base, ours, theirs, `cannot read the front-matter (${error.reason}); merged as plain text`);
  }
  const [b, o, t] = parts;
  const merged = mergeFields(path, b.fields, o.fields, t.fields, notes);
  // Splice into the text whose front-matter was edited (only theirs: theirs; else ours).
  const into = o.yaml === b.yaml && t.yaml !== b.yaml ? t : o;
  const changes: Fields = {};
  for (const key of new Set([...Object.keys(into.fields), ...Object.keys(merged)])) {
    if (!isDeepStrictEqual(into.fields[key], merged[key])) changes[key] = merged[key];
  }
  let head: string;
  try {
    const spliced = setFields(into.text, changes, path);
    head = spliced.slice(0, splitFrontMatter(spliced, path).bodyStart);
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    return mergeAsText(path, base, ours, theirs, `cannot edit the front-matter (${error.reason}); merged as plain text`);
  }
  const mergeLines = (base: string, ours: string, theirs: string): string => {
    const body = merge3(base, ours, theirs, "keep-both");
    if (body.conflicts > 0) notes.push({ path, kind: "body", detail: `both sides changed the same lines of the body (${body.conflicts}×); kept both versions, ours first` });
    return body.text;
  };
  // Comments both sides added are merged as one list (bead/comments.ts), the rest of the body by lines.
  return { text: head + (mergeCommentBodies(b.body, o.body, t.body, mergeLines) ?? mergeLines(b.body, o.body, t.body)), notes };
}

interface Parts {
  text: string;
  yaml: string;
  fields: Fields;
  body: string;
}

function parts0(text: string | null, path: string): Parts {
  if (text === null) return { text: "", yaml: "", fields: {}, body: "" };
  const split = splitFrontMatter(text, path);
  return { text, yaml: split.yaml, fields: parseFrontMatterYaml(split.yaml, split.yamlLine, path), body: split.body };
}

function mergeDeletion(path: string, base: string | null, ours: string | null, theirs: string | null): BeadMergeResult {
  const kept = ours ?? theirs;
  if (base === null || kept === base) return { text: base === null ? kept : null, notes: [] };
  const where = ours === null ? "deleted here but changed on the remote; kept the remote's version" : "deleted on the remote but changed here; kept ours";
  return { text: kept, notes: [{ path, kind: "deleted", detail: where }] };
}

function mergeAsText(path: string, base: string | null, ours: string, theirs: string, why: string): BeadMergeResult {
  const merged = merge3(base ?? "", ours, theirs, "keep-both");
  return { text: merged.text, notes: [{ path, kind: "unparsed", detail: why }] };
}

/** The merged front-matter values (undefined: key absent). Exported for tests. */
export function mergeFields(path: string, base: Fields, ours: Fields, theirs: Fields, notes: MergeNote[] = []): Fields {
  const merged: Fields = {};
  Object.assign(merged, mergeStatusGroup(path, base, ours, theirs, notes));
  const keys = new Set([...Object.keys(base), ...Object.keys(ours), ...Object.keys(theirs)]);
  for (const key of keys) {
    if ((STATUS_GROUP as readonly string[]).includes(key)) continue;
    const [b, o, t] = [base[key], ours[key], theirs[key]];
    let value: unknown;
    if (isDeepStrictEqual(o, b)) value = t;
    else if (isDeepStrictEqual(t, b) || isDeepStrictEqual(o, t)) value = o;
    else if (key === "updated") value = later(o, t);
    else if (key === "attempts") value = Math.max(toCount(o), toCount(t));
    else if (key === "labels" || key === "deps") value = mergeList(b, o, t);
    else {
      value = t;
      notes.push({ path, kind: "field", field: key, detail: `both sides changed ${key} (ours ${show(o)}, remote ${show(t)}); kept the remote's` });
    }
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

function mergeStatusGroup(path: string, base: Fields, ours: Fields, theirs: Fields, notes: MergeNote[]): Fields {
  const pick = (fields: Fields): Fields => {
    const group: Fields = {};
    for (const key of STATUS_GROUP) if (fields[key] !== undefined) group[key] = fields[key];
    return group;
  };
  const [b, o, t] = [pick(base), pick(ours), pick(theirs)];
  if (isDeepStrictEqual(o, b)) return t;
  if (isDeepStrictEqual(t, b) || isDeepStrictEqual(o, t)) return o;
  const [ro, rt] = [statusRank(o.status), statusRank(t.status)];
  if (ro !== rt) {
    const winner = ro > rt ? "ours" : "the remote's";
    notes.push({ path, kind: "status", field: "status", detail: `both sides changed the status (ours ${show(o.status ?? "open")}, remote ${show(t.status ?? "open")}); ${winner} ranks higher and wins, with its claim fields` });
    return ro > rt ? o : t;
  }
  if (o.status === "claimed" && o.claimed_by !== t.claimed_by) {
    notes.push({ path, kind: "claim", field: "claimed_by", detail: `claimed on both sides (ours by ${show(o.claimed_by)}, remote by ${show(t.claimed_by)}); the claim already on the server stands` });
    return t;
  }
  if (o.status === "claimed") {
    // The same holder on both sides (a renewal raced a sync): keep the longer lease.
    const lease = later(o.lease_until, t.lease_until);
    return lease === undefined ? t : { ...t, lease_until: lease };
  }
  notes.push({ path, kind: "status", detail: `both sides changed the claim fields of a ${show(t.status ?? "open")} bead; kept the remote's` });
  return t;
}

/** The later of two timestamps (the remote's when they tie or cannot be read). */
function later(ours: unknown, theirs: unknown): unknown {
  const o = typeof ours === "string" ? Date.parse(ours) : Number.NaN;
  const t = typeof theirs === "string" ? Date.parse(theirs) : Number.NaN;
  if (Number.isNaN(t) && !Number.isNaN(o)) return ours;
  return !Number.isNaN(o) && o > t ? ours : theirs;
}

function toCount(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

function toList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/** Three-way set merge: kept when both have it, or when a side added it; gone when a side removed it. */
function mergeList(base: unknown, ours: unknown, theirs: unknown): string[] {
  const [b, o, t] = [new Set(toList(base)), toList(ours), toList(theirs)];
  const inO = new Set(o);
  const inT = new Set(t);
  const keep = (item: string): boolean => (inO.has(item) && inT.has(item)) || !b.has(item);
  const out: string[] = [];
  for (const item of [...o, ...t]) if (keep(item) && !out.includes(item)) out.push(item);
  return out;
}

function show(value: unknown): string {
  return value === undefined ? "(unset)" : JSON.stringify(value);
}
