/**
 * The planner's structured reply and what it becomes: child beads of an epic. Pure, no I/O.
 */
import * as z from "../schema/zod.js";
import { setFields } from "../bead/edit-yaml.js";
import type { BeadWithBody } from "../bead/fields.js";
import { newBeadText } from "../board/new-bead.js";

const CHILD_TYPES = ["task", "bug", "research", "chore"] as const;

export const planSchema = z.object({
  summary: z.string().check(z.describe("One or two sentences: how the children together complete the epic.")),
  children: z
    .array(
      z.object({
        key: z.string().check(z.minLength(1), z.maxLength(40), z.describe("A short name for this child, used in other children's deps.")),
        title: z.string().check(z.minLength(1), z.maxLength(200)),
        body: z._default(z.string().check(z.maxLength(8000)), ""),
        type: z._default(z.enum(CHILD_TYPES), "task"),
        labels: z._default(z.array(z.string().check(z.maxLength(40))).check(z.maxLength(10)), []),
        priority: z._default(z.int().check(z.gte(0), z.lte(4)), 2),
        agent: z._default(z.string().check(z.maxLength(80)), "").check(z.describe("The agent best suited to do it, or empty to let the router decide.")),
        deps: z._default(z.array(z.string()).check(z.maxLength(20)), []).check(z.describe("Keys of children that must be done first.")),
      }),
    )
    .check(z.minLength(1), z.maxLength(20)),
});

export type Plan = z.output<typeof planSchema>;

/** What zod cannot check: keys unique, deps name siblings, no cycles. An error text for the model, or undefined. */
export function planProblem(plan: Plan): string | undefined {
  const keys = new Set<string>();
  for (const child of plan.children) {
    if (keys.has(child.key)) return `child key ${JSON.stringify(child.key)} is used twice; keys must be unique`;
    keys.add(child.key);
  }
  for (const child of plan.children) {
    const unknown = child.deps.find((dep) => !keys.has(dep));
    if (unknown !== undefined) return `child ${child.key} depends on ${JSON.stringify(unknown)}, which is not the key of another child`;
  }
  // Kahn's algorithm: a plan whose deps loop could never be worked.
  const remaining = new Map(plan.children.map((child) => [child.key, new Set(child.deps)]));
  for (let progress = true; progress; ) {
    progress = false;
    for (const [key, deps] of remaining) {
      if ([...deps].every((dep) => !remaining.has(dep))) {
        remaining.delete(key);
        progress = true;
      }
    }
  }
  if (remaining.size > 0) return `the deps of children ${[...remaining.keys()].join(", ")} form a cycle`;
  return undefined;
}

export interface ChildFile {
  id: string;
  key: string;
  path: string;
  text: string;
}

/**
 * The files of an epic's children. Each child has `parent: <epic>`, deps on siblings by id,
 * the epic's sensitivity (what the epic says, its children may repeat), and the suggested
 * agent only when `agentOk` accepts it (else the router decides).
 */
export function childFiles(epic: BeadWithBody, plan: Plan, ids: readonly string[], agentOk: (name: string, child: Plan["children"][number]) => boolean, now: Date): ChildFile[] {
  const idOf = new Map(plan.children.map((child, index) => [child.key, ids[index] ?? ""]));
  return plan.children.map((child, index) => {
    const id = ids[index] ?? "";
    const agent = child.agent.trim();
    const text = newBeadText(
      {
        title: child.title.replace(/[\r\n]+/g, " ").trim() || `Part ${index + 1} of ${epic.id}`,
        priority: child.priority,
        type: child.type,
        labels: child.labels.map((label) => label.trim()).filter(Boolean),
        agent: agent !== "" && agentOk(agent, child) ? agent : undefined,
        deps: child.deps.map((dep) => idOf.get(dep) ?? "").filter(Boolean),
        sensitivity: epic.fields.sensitivity === "internal" ? undefined : epic.fields.sensitivity,
        parent: epic.id,
      },
      child.body,
      now,
      setFields,
    );
    return { id, key: child.key, path: `beads/${id}.md`, text };
  });
}

/** The epic's result once every child is done: one line per child. */
export function epicSummary(epic: BeadWithBody, children: ReadonlyArray<{ id: string; title: string; result: string | undefined }>): string {
  const lines = [`All ${children.length} child bead(s) of ${epic.id} are done.`, ""];
  for (const child of children) {
    const first = child.result?.split("\n").find((line) => line.trim() !== "")?.trim() ?? "(no result recorded)";
    lines.push(`- ${child.id}: ${child.title}: ${first.length > 200 ? `${first.slice(0, 200)}…` : first}`);
  }
  return lines.join("\n");
}
