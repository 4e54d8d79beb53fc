import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync, inflateSync } from "node:zlib";
import { objectsDir } from "./repository.js";

/**
 * Loose git objects with node:zlib and node:crypto (SHA-1 repositories only): enough to make a
 * commit without isomorphic-git when everything on the changed paths is loose. Anything these
 * functions do not handle throws NativeUnsupported, and the caller falls back to isomorphic-git.
 */
export class NativeUnsupported extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NativeUnsupported";
  }
}

export type ObjectType = "blob" | "tree" | "commit" | "tag";

export interface GitObject {
  type: ObjectType;
  body: Buffer;
}

const OID = /^[0-9a-f]{40}$/;

function objectPath(gitdir: string, oid: string): string {
  if (!OID.test(oid)) throw new NativeUnsupported(`not a SHA-1 object id: ${oid}`);
  return join(objectsDir(gitdir), oid.slice(0, 2), oid.slice(2));
}

/** A loose object; NativeUnsupported when it is not loose (packed, in an alternate) or malformed. */
export function readLooseObject(gitdir: string, oid: string): GitObject {
  let raw: Buffer;
  try {
    raw = inflateSync(readFileSync(objectPath(gitdir, oid)));
  } catch (error) {
    if (error instanceof NativeUnsupported) throw error;
    // Only "not here as a loose object" is isomorphic-git's case (packed, or in an alternate);
    // EIO, EACCES, EMFILE and the like are failures, not a reason to try another way.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== undefined && code !== "ENOENT" && code !== "Z_DATA_ERROR" && code !== "Z_BUF_ERROR") throw error;
    throw new NativeUnsupported(`object ${oid} is not a readable loose object: ${(error as Error).message}`);
  }
  const space = raw.indexOf(0x20);
  const nul = raw.indexOf(0);
  if (space <= 0 || nul < space) throw new NativeUnsupported(`object ${oid}: bad header`);
  const type = raw.toString("latin1", 0, space);
  const length = raw.toString("latin1", space + 1, nul);
  if (type !== "blob" && type !== "tree" && type !== "commit" && type !== "tag") throw new NativeUnsupported(`object ${oid}: unknown type ${type}`);
  if (!/^(0|[1-9][0-9]*)$/.test(length) || Number(length) !== raw.length - nul - 1) throw new NativeUnsupported(`object ${oid}: length mismatch`);
  const body = raw.subarray(nul + 1);
  if (hashObject(type, body) !== oid) throw new NativeUnsupported(`object ${oid}: content does not match its id`);
  return { type, body };
}

export function hashObject(type: ObjectType, body: Uint8Array): string {
  return createHash("sha1").update(`${type} ${body.length}\0`).update(body).digest("hex");
}

/** Write a loose object (temp file + rename, as git does) unless it already exists; returns its id. */
export function writeLooseObject(gitdir: string, type: ObjectType, body: Uint8Array): string {
  const oid = hashObject(type, body);
  const path = objectPath(gitdir, oid);
  if (existsSync(path)) return oid;
  const dir = join(objectsDir(gitdir), oid.slice(0, 2));
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `tmp_obj_${process.pid}_${Math.random().toString(36).slice(2)}`);
  try {
    writeFileSync(tmp, deflateSync(Buffer.concat([Buffer.from(`${type} ${body.length}\0`, "latin1"), body]), { level: 1 }), { mode: 0o444 });
    renameSync(tmp, path);
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // not created
    }
    throw error;
  }
  return oid;
}

/**
 * a[aStart, aEnd) against b[bStart, bEnd) bytewise, as memcmp then length. A plain loop: names
 * are short, and Buffer#compare with ranges costs more per call than the bytes it compares.
 */
export function compareBytes(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): number {
  const length = Math.min(aEnd - aStart, bEnd - bStart);
  for (let i = 0; i < length; i++) {
    const c = a[aStart + i]! - b[bStart + i]!;
    if (c !== 0) return c;
  }
  return aEnd - aStart - (bEnd - bStart);
}

/** The tree a commit object points at. */
export function commitTree(body: Buffer): string {
  const match = /^tree ([0-9a-f]{40})\n/.exec(body.toString("latin1", 0, 46));
  if (!match?.[1]) throw new NativeUnsupported("commit without a tree header");
  return match[1];
}

export interface CommitFields {
  tree: string;
  parents: readonly string[];
  /** `Name <email> <seconds> +0000`, already formatted. */
  author: string;
  committer: string;
  message: string;
}

/** The commit text isomorphic-git's writeCommit produces for the same fields (message normalised likewise). */
export function serializeCommit(fields: CommitFields): Buffer {
  let text = `tree ${fields.tree}\n`;
  for (const parent of fields.parents) text += `parent ${parent}\n`;
  text += `author ${fields.author}\ncommitter ${fields.committer}\n\n${normalizeMessage(fields.message)}`;
  return Buffer.from(text, "utf8");
}

function normalizeMessage(message: string): string {
  return `${message.replace(/\r/g, "").replace(/^\n+/, "").replace(/\n+$/, "")}\n`;
}
