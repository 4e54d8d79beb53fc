import { describe, expect, it } from "vitest";
import { checkReply, MAX_RESULT_CHARS, replyJsonSchema, replySchema } from "../../src/harness/reply.js";

const valid = {
  result: "## Findings\n\nAll good.",
  outcome: "done",
  memory: [{ note: "keep_alive defaults to 5m", shared: true }],
  followups: [{ title: "Check the docs", body: "Read them.", labels: ["docs"], priority: 3 }],
};

function errorOf(content: string): string {
  const check = checkReply(content);
  if (check.ok) throw new Error(`expected ${JSON.stringify(content.slice(0, 80))} to be rejected`);
  return check.error;
}

describe("checkReply", () => {
  it("accepts a valid reply as is", () => {
    expect(checkReply(JSON.stringify(valid))).toEqual({ ok: true, reply: valid });
  });

  it("defaults missing arrays and missing follow-up fields instead of asking again", () => {
    const check = checkReply(JSON.stringify({ result: "r", outcome: "blocked", followups: [{ title: "t" }] }));
    expect(check).toEqual({ ok: true, reply: { result: "r", outcome: "blocked", memory: [], followups: [{ title: "t", body: "", labels: [], priority: 2 }] } });
  });

  it("takes a memory note without `shared` as the agent's own", () => {
    const check = checkReply(JSON.stringify({ result: "r", outcome: "done", memory: [{ note: "n" }] }));
    expect(check.ok && check.reply.memory).toEqual([{ note: "n", shared: false }]);
  });

  it("accepts JSON wrapped in a ```json fence (or a bare one)", () => {
    expect(checkReply("```json\n" + JSON.stringify(valid) + "\n```").ok).toBe(true);
    expect(checkReply("  ```\n" + JSON.stringify(valid) + "\n```\n").ok).toBe(true);
  });

  it("rejects an empty reply and an empty result", () => {
    expect(errorOf("")).toBe("the reply was empty");
    expect(errorOf("  \n ")).toBe("the reply was empty");
    expect(errorOf(JSON.stringify({ ...valid, result: "   " }))).toBe("result was empty");
  });

  it("rejects oversized output", () => {
    expect(errorOf(JSON.stringify({ ...valid, result: "x".repeat(MAX_RESULT_CHARS + 1) }))).toMatch(/^result was \d+ characters; keep it under 65536$/);
    expect(errorOf("y".repeat(MAX_RESULT_CHARS * 2 + 1))).toMatch(/^the reply was \d+ characters/);
  });

  it("says what is wrong: not JSON, or which field breaks the schema", () => {
    expect(errorOf("Sure! Here is the answer: 42")).toMatch(/^the reply was not valid JSON \(/);
    expect(errorOf('{"result": "r", "outcome": "finished"}')).toMatch(/^the reply did not match the schema: outcome: /);
    expect(errorOf('{"outcome": "done"}')).toMatch(/^the reply did not match the schema: result: /);
    expect(errorOf('{"result": "r", "outcome": "done", "followups": [{"title": "t", "priority": 9}]}')).toMatch(/schema: followups\.0\.priority: /);
    expect(errorOf("[1, 2]")).toMatch(/schema: \(root\): /);
  });
});

describe("replyJsonSchema", () => {
  const schema = replyJsonSchema();
  const text = JSON.stringify(schema);

  it("is flat: no $ref, anyOf, oneOf, allOf or definitions (Ollama ignores them)", () => {
    for (const key of ["$ref", "anyOf", "oneOf", "allOf", "$defs", "definitions", "$schema"]) expect(text).not.toContain(`"${key}"`);
  });

  it("describes an object with the four required fields", () => {
    expect(schema).toMatchObject({ type: "object", required: ["result", "outcome", "memory", "followups"] });
    expect(schema).toHaveProperty("properties.outcome.enum", ["done", "blocked", "failed"]);
    expect(schema).toHaveProperty("properties.memory.items.properties.shared.type", "boolean");
  });

  it("accepts what the zod schema accepts", () => {
    expect(replySchema.safeParse(valid).success).toBe(true);
  });
});
