import { createHash } from "node:crypto";
import type { BeadFields } from "../bead/fields.js";
import { ConflictError } from "../errors.js";

/**
 * What the page saw of a bead, so that an edit made on an older view is refused (409) instead
 * of overwriting a newer save. `t:` versions hash the whole file (the bead view, which edits the
 * body); `f:` versions hash the front-matter fields (the board's cards, which never load bodies).
 */
export function textVersion(text: string): string {
  return `t:${createHash("sha1").update(text).digest("hex").slice(0, 16)}`;
}

export function fieldsVersion(fields: BeadFields): string {
  return `f:${createHash("sha1").update(JSON.stringify(fields)).digest("hex").slice(0, 16)}`;
}

/** Throws ConflictError when `seen` is not the version of the bead as it is on disk now. */
export function assertVersion(path: string, seen: string, text: string, fields: BeadFields): void {
  const now = seen.startsWith("t:") ? textVersion(text) : fieldsVersion(fields);
  if (now !== seen) throw new ConflictError(path, "changed since you loaded it (someone else saved it); reload to see their change, then try again. Nothing was written");
}
