import type { setFields as SetFields } from "../bead/edit-yaml.js";

export interface NewBeadFields {
  title: string;
  priority?: number;
  type?: string;
  labels?: string[];
  agent?: string;
  deps?: string[];
  sensitivity?: string;
  parent?: string;
  discovered_from?: string;
  [key: string]: unknown;
}

/**
 * The text of a new bead file. Fields go through the same front-matter editor as every other
 * write, so values are quoted the one way the board quotes them.
 */
export function newBeadText(fields: NewBeadFields, body: string, now: Date, setFields: typeof SetFields): string {
  const ordered: Record<string, unknown> = { title: fields.title, status: "open", priority: fields.priority ?? 2, type: fields.type ?? "task" };
  for (const [key, value] of Object.entries(fields)) {
    if (!(key in ordered) && value !== undefined && !(Array.isArray(value) && value.length === 0)) ordered[key] = value;
  }
  ordered.created = now.toISOString();
  const trimmed = body.replace(/^\s*\n/, "").trimEnd();
  return setFields(`---\n---\n${trimmed ? `${trimmed}\n` : ""}`, ordered, "new bead");
}
