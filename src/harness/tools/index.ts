/** The tools a harness agent may be given, by their contract names (DESIGN §12), and their definitions for a provider. */
import * as z from "../../schema/zod.js";
import type { ToolDefinition } from "../../model/provider.js";
import type { HarnessTool, ToolName } from "../tool.js";
import { editFileTool } from "./edit-file.js";
import { finishTool } from "./finish.js";
import { listFilesTool } from "./list-files.js";
import { newBeadTool } from "./new-bead.js";
import { readFileTool } from "./read-file.js";
import { runTool } from "./run.js";
import { searchTool } from "./search.js";
import { writeFileTool } from "./write-file.js";

/** Each tool validates its own arguments inside run() (define.ts), so it takes unknown input safely. */
function erased<Input>(tool: HarnessTool<Input>): HarnessTool {
  return tool as unknown as HarnessTool;
}

export const HARNESS_TOOLS: Record<ToolName, HarnessTool> = {
  read_file: erased(readFileTool),
  list_files: erased(listFilesTool),
  search: erased(searchTool),
  edit_file: erased(editFileTool),
  write_file: erased(writeFileTool),
  run: erased(runTool),
  new_bead: erased(newBeadTool),
  finish: erased(finishTool),
};

/** JSON Schema of one tool's arguments, flat (no $schema), as providers send it. */
export function toolParameters(tool: HarnessTool): Record<string, unknown> {
  const schema = z.toJSONSchema(tool.schema, { target: "draft-7", io: "input" }) as Record<string, unknown>;
  delete schema.$schema;
  return schema;
}

export function toolDefinitions(names: readonly ToolName[]): ToolDefinition[] {
  return names.map((name) => {
    const tool = HARNESS_TOOLS[name];
    return { name, description: tool.description, parameters: toolParameters(tool) };
  });
}
