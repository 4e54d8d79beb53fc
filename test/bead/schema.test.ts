import { describe, expect, it } from "vitest";
import { ESCALATIONS, SENSITIVITIES, STATUSES, TIERS, TYPES } from "../../src/bead/fields.js";
import { beadFieldsSchema, beadJsonSchema } from "../../src/bead/schema.js";

describe("bead schema", () => {
  it("requires only a title and defaults the rest", () => {
    expect(beadFieldsSchema.parse({ title: "t" })).toEqual({
      title: "t",
      status: "open",
      priority: 2,
      type: "task",
      labels: [],
      deps: [],
      sensitivity: "internal",
      attempts: 0,
    });
  });

  it("accepts every documented status, type and sensitivity, and refuses others", () => {
    for (const status of STATUSES) expect(beadFieldsSchema.safeParse({ title: "t", status }).success).toBe(true);
    for (const type of TYPES) expect(beadFieldsSchema.safeParse({ title: "t", type }).success).toBe(true);
    for (const sensitivity of SENSITIVITIES) expect(beadFieldsSchema.safeParse({ title: "t", sensitivity }).success).toBe(true);
    for (const tier of TIERS) expect(beadFieldsSchema.safeParse({ title: "t", tier }).success).toBe(true);
    for (const escalation of ESCALATIONS) expect(beadFieldsSchema.safeParse({ title: "t", escalation }).success).toBe(true);
    for (const bad of [{ status: "doing" }, { type: "feature" }, { sensitivity: "top" }, { tier: "huge" }, { escalation: "maybe" }]) {
      expect(beadFieldsSchema.safeParse({ title: "t", ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("takes priorities 0 to 4 only, as numbers or digit strings", () => {
    for (const priority of [0, 1, 2, 3, 4, "3", " 0 "]) expect(beadFieldsSchema.parse({ title: "t", priority }).priority).toBe(Number(priority));
    for (const priority of [-1, 5, 1.5, "high", "", null, true]) {
      expect(beadFieldsSchema.safeParse({ title: "t", priority }).success, String(priority)).toBe(false);
    }
  });

  it("reads empty optional fields as unset and keeps timestamps as text", () => {
    const fields = beadFieldsSchema.parse({ title: "t", agent: "", claimed_by: null, created: new Date("2024-05-01T10:00:00Z"), updated: "" });
    expect(fields.agent).toBeUndefined();
    expect(fields.claimed_by).toBeUndefined();
    expect(fields.created).toBe("2024-05-01T10:00:00.000Z");
    expect(fields.updated).toBeUndefined();
  });

  it("turns a one-item label into a list and numbers into text", () => {
    expect(beadFieldsSchema.parse({ title: "t", labels: "ops", deps: [12] })).toMatchObject({ labels: ["ops"], deps: ["12"] });
    expect(beadFieldsSchema.parse({ title: "t", labels: null }).labels).toEqual([]);
  });

  // The bead schema alone (as `bead set` loads it) still gets zod's English messages, not "Invalid input".
  it("says in English what is wrong where it has no message of its own", () => {
    const messageOf = (fields: Record<string, unknown>) => beadFieldsSchema.safeParse({ title: "t", ...fields }).error?.issues[0]?.message;
    expect(messageOf({ attempts: "x" })).toBe("Invalid input: expected number, received string");
    expect(messageOf({ labels: 3 })).toBe("Invalid input: expected array, received number");
  });

  it("keeps unknown keys as they were", () => {
    expect(beadFieldsSchema.parse({ title: "t", estimate: { hours: 3 } }).estimate).toEqual({ hours: 3 });
  });
});

describe("bead JSON Schema (for editors)", () => {
  const schema = beadJsonSchema();
  const properties = schema.properties as Record<string, Record<string, unknown>>;

  it("is a 2020-12 object schema that requires only title", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.type).toBe("object");
    expect(schema.required).toEqual(["title"]);
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });

  it("lists the same enums and priority range as the zod schema", () => {
    expect(properties.status?.enum).toEqual([...STATUSES]);
    expect(properties.type?.enum).toEqual([...TYPES]);
    expect(properties.sensitivity?.enum).toEqual([...SENSITIVITIES]);
    expect(properties.priority).toMatchObject({ type: "integer", minimum: 0, maximum: 4, default: 2 });
    expect(properties.title).toMatchObject({ type: "string", minLength: 1 });
  });

  it("allows unknown keys, as the board does", () => {
    expect(schema.additionalProperties).not.toBe(false);
  });
});
