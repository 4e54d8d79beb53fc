/** new_bead {title, body, labels?, priority?}: a follow-up bead through ctx.newBead (which applies the follow-up limits). */
import * as z from "../../schema/zod.js";
import { BeadboardError, FollowupLimitError } from "../../errors.js";
import { defineTool, refused } from "./define.js";

export const newBeadSchema = z.object({
  title: z.string().check(z.minLength(1), z.maxLength(200), z.describe("Short title of the new work item.")),
  body: z.string().check(z.maxLength(16 * 1024), z.describe("What needs doing and why, as markdown.")),
  labels: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(50))).check(z.maxLength(10), z.describe("Labels, e.g. [\"bug\"]."))),
  priority: z.optional(z.int().check(z.gte(0), z.lte(4), z.describe("0 (urgent) to 4 (someday); default 2."))),
});

export const newBeadTool = defineTool(
  "new_bead",
  "Create a follow-up bead (a new work item) on the board for work found while doing this one. Counts toward the follow-up limits.",
  newBeadSchema,
  async (input, ctx) => {
    if (!ctx.newBead) return refused("new_bead: this agent may not create beads here; mention the follow-up in finish's followups instead.");
    try {
      const id = await ctx.newBead({ title: input.title, body: input.body, ...(input.labels ? { labels: input.labels } : {}), ...(input.priority !== undefined ? { priority: input.priority } : {}) });
      return { text: `created bead ${id}: ${input.title}` };
    } catch (error) {
      if (error instanceof FollowupLimitError) return { ...refused(`new_bead: ${error.message}`), category: "followup_limit" };
      // A validation the board applies is the model's to read; anything else is an I/O failure.
      if (error instanceof BeadboardError && /LIMIT|INVALID|REFUSED/.test(error.code)) return refused(`new_bead: ${error.message}`);
      throw error;
    }
  },
);
