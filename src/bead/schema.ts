// zod/mini, not zod's classic API: the same engine and messages, but functions instead of
// methods, so a bundle takes only what this schema uses. Loading classic zod costs a `bead set`
// about 50 ms of its start-up; this schema, about a fifth of that (bench/RESULTS.md).
import * as z from "../schema/zod.js";
import { ESCALATIONS, SENSITIVITIES, STATUSES, TIERS, TYPES } from "./fields.js";

/** zod's preprocess: turn the value a person wrote into the shape the schema checks. */
const before = <T extends z.ZodMiniType>(prepare: (value: unknown) => unknown, schema: T) => z.pipe(z.transform(prepare), schema);

/** Text, or a number read as text (`agent: 7` is agent "7"). */
const text = () => z.pipe(z.union([z.string(), z.number()]), z.transform(String));

/** A person may write `labels: research` for a one-item list; accept it rather than nag. */
const stringList = before((value) => (value === null || value === undefined ? [] : typeof value === "string" ? [value] : value), z.array(text()));

/** Empty (`agent:`) means "not set". */
const optionalString = before((value) => (value === null || value === "" ? undefined : value), z.optional(text()));

/** Timestamps are kept as the text a person or the system wrote (ISO 8601). */
const timestamp = before(
  (value) => (value === null || value === "" ? undefined : value instanceof Date ? value.toISOString() : value),
  z.optional(z.string()),
);

const oneOf = <const T extends readonly string[]>(name: string, values: T) => z.enum(values, { error: `${name} must be one of ${values.join(", ")}` });

const PRIORITY_RANGE = "priority must be from 0 (urgent) to 4 (someday)";

export const beadFieldsSchema = z.looseObject({
  // `title: 2024 budget` is text, but `title: 42` reads as a number: a title is whatever the person wrote.
  title: before(
    (value) => (typeof value === "number" || typeof value === "boolean" ? String(value) : value),
    z
      .string({ error: (issue) => (issue.input === undefined || issue.input === null ? "title is missing; add a line `title: <what needs doing>`" : "title must be text") })
      .check(z.trim(), z.minLength(1, "title is empty")),
  ),
  status: z._default(oneOf("status", STATUSES), "open"),
  priority: before(
    (value) => (typeof value === "string" && /^\s*[0-4]\s*$/.test(value) ? Number(value) : value),
    z._default(
      z.int({
        error: (issue) => (typeof issue.input === "number" ? "priority must be a whole number from 0 to 4" : "priority must be a number from 0 (urgent) to 4 (someday)"),
      }).check(z.gte(0, PRIORITY_RANGE), z.lte(4, PRIORITY_RANGE)),
      2,
    ),
  ),
  type: z._default(oneOf("type", TYPES), "task"),
  labels: z._default(stringList, []),
  agent: optionalString,
  deps: z._default(stringList, []),
  sensitivity: z._default(oneOf("sensitivity", SENSITIVITIES), "internal"),
  claimed_by: optionalString,
  claimed_at: timestamp,
  lease_until: timestamp,
  attempts: z._default(z.int().check(z.gte(0, "attempts cannot be negative")), 0),
  created: timestamp,
  updated: timestamp,
  parent: optionalString,
  discovered_from: optionalString,
  tier: z.optional(oneOf("tier", TIERS)),
  escalation: z.optional(oneOf("escalation", ESCALATIONS)),
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
