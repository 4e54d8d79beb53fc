import { z } from "zod";
import { ESCALATIONS, SENSITIVITIES, STATUSES, TIERS, TYPES } from "./fields.js";

/** A person may write `labels: research` for a one-item list; accept it rather than nag. */
const stringList = z.preprocess(
  (value) => (value === null || value === undefined ? [] : typeof value === "string" ? [value] : value),
  z.array(z.union([z.string(), z.number()]).transform(String)),
);

/** Empty (`agent:`) means "not set". */
const optionalString = z.preprocess(
  (value) => (value === null || value === "" ? undefined : value),
  z.union([z.string(), z.number()]).transform(String).optional(),
);

/** Timestamps are kept as the text a person or the system wrote (ISO 8601). */
const timestamp = z.preprocess(
  (value) => (value === null || value === "" ? undefined : value instanceof Date ? value.toISOString() : value),
  z.string().optional(),
);

export const beadFieldsSchema = z.looseObject({
  // `title: 2024 budget` is text, but `title: 42` reads as a number: a title is whatever the person wrote.
  title: z.preprocess(
    (value) => (typeof value === "number" || typeof value === "boolean" ? String(value) : value),
    z
      .string({ error: (issue) => (issue.input === undefined || issue.input === null ? "title is missing; add a line `title: <what needs doing>`" : "title must be text") })
      .trim()
      .min(1, "title is empty"),
  ),
  status: z.enum(STATUSES, { error: `status must be one of ${STATUSES.join(", ")}` }).default("open"),
  priority: z.preprocess(
    (value) => (typeof value === "string" && /^\s*[0-4]\s*$/.test(value) ? Number(value) : value),
    z
      .number({ error: "priority must be a number from 0 (urgent) to 4 (someday)" })
      .int("priority must be a whole number from 0 to 4")
      .min(0, "priority must be from 0 (urgent) to 4 (someday)")
      .max(4, "priority must be from 0 (urgent) to 4 (someday)")
      .default(2),
  ),
  type: z.enum(TYPES, { error: `type must be one of ${TYPES.join(", ")}` }).default("task"),
  labels: stringList.default([]),
  agent: optionalString,
  deps: stringList.default([]),
  sensitivity: z.enum(SENSITIVITIES, { error: `sensitivity must be one of ${SENSITIVITIES.join(", ")}` }).default("internal"),
  claimed_by: optionalString,
  claimed_at: timestamp,
  lease_until: timestamp,
  attempts: z.number().int().min(0, "attempts cannot be negative").default(0),
  created: timestamp,
  updated: timestamp,
  parent: optionalString,
  discovered_from: optionalString,
  tier: z.enum(TIERS, { error: `tier must be one of ${TIERS.join(", ")}` }).optional(),
  escalation: z.enum(ESCALATIONS, { error: `escalation must be one of ${ESCALATIONS.join(", ")}` }).optional(),
});

/** JSON Schema for editors (yaml-language-server): generated from the same zod schema. */
export function beadJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(beadFieldsSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "beadboard bead front-matter",
    description: "The YAML front-matter of a bead file (beads/<id>.md). Only `title` is required.",
    ...schema,
  };
}
