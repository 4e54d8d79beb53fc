/**
 * One way to build a harness tool: its arguments are validated by its own schema inside `run`,
 * whoever calls it, and a guardrail refusal (a path out of the workspace, a command not
 * allow-listed) becomes a ToolResult the model can read. Model mistakes never throw; real I/O
 * failures and aborts do, so the loop can log them as `tool_error`.
 */
import * as z from "../../schema/zod.js";
import { CommandRefusedError, ToolRefusedError } from "../../errors.js";
import type { HarnessTool, ToolContext, ToolName, ToolResult } from "../tool.js";

export function refused(text: string): ToolResult {
  return { text, refused: true };
}

/** The first few schema problems, as `field: message` lines a model can act on. */
export function describeIssues(tool: string, error: z.core.$ZodError): string {
  const lines = error.issues.slice(0, 5).map((issue) => `- ${issue.path.join(".") || "(arguments)"}: ${issue.message}`);
  return `${tool}: invalid arguments; nothing was done.\n${lines.join("\n")}`;
}

export function defineTool<Input>(
  name: ToolName,
  description: string,
  schema: z.ZodMiniType<Input>,
  body: (input: Input, ctx: ToolContext) => Promise<ToolResult>,
): HarnessTool<Input> {
  return {
    name,
    description,
    schema,
    async run(input: Input, ctx: ToolContext): Promise<ToolResult> {
      const parsed = schema.safeParse(input);
      if (!parsed.success) return refused(describeIssues(name, parsed.error));
      ctx.signal.throwIfAborted();
      try {
        return await body(parsed.data, ctx);
      } catch (error) {
        if (error instanceof ToolRefusedError) return refused(error.message);
        if (error instanceof CommandRefusedError) return refused(`${name}: ${error.message}. Nothing was run.`);
        throw error;
      }
    },
  };
}

/** A relative path for the model: forward slashes, "." for the root. */
export function shown(root: string, absolute: string): string {
  const rel = absolute.slice(root.length).replace(/^[\\/]+/, "").split(/[\\/]/).join("/");
  return rel === "" ? "." : rel;
}
