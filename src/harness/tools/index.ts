/** The tools a harness agent may be given, by their contract names (DESIGN §12), and their definitions for a provider. */
import { definitionsOf } from "../calls.js";
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

export function toolDefinitions(names: readonly ToolName[]): ToolDefinition[] {
  return definitionsOf(names.map((name) => HARNESS_TOOLS[name]));
}
