import { splitFrontMatter } from "../bead/frontmatter.js";
import { parseFrontMatterYaml } from "../bead/parse.js";
import type { ImportedItem } from "./item.js";

/**
 * A Backlog.md task file (backlog/tasks/task-N - Title.md, as its CLI writes them) as an
 * ImportedItem. Backlog's section markers (<!-- SECTION:…:BEGIN -->, <!-- AC:BEGIN -->) are
 * dropped; its "Acceptance Criteria" list stays a task list under that heading, so it becomes the
 * bead's acceptance checklist. Pure; throws ParseError naming the file and line on bad input.
 */
const STATUS: Record<string, ImportedItem["status"]> = { "to do": "open", "in progress": "open", done: "done" };
const PRIORITY: Record<string, number> = { high: 1, medium: 2, low: 3 };

export function fromBacklogTask(text: string, file: string): ImportedItem {
  const split = splitFrontMatter(text, file);
  const data = parseFrontMatterYaml(split.yaml, split.yamlLine, file);
  const sourceId = String(data.id ?? file.replace(/^.*\//, "").split(" ")[0] ?? "").trim();
  const status = String(data.status ?? "To Do");
  const extra: Record<string, string> = {};
  const mapped = STATUS[status.toLowerCase()];
  if (mapped === undefined || status.toLowerCase() === "in progress") extra.imported_status = status;
  const assignees = list(data.assignee).map((name) => name.replace(/^@/, ""));
  if (assignees.length > 0) extra.assignee = assignees.join(", ");
  const item: ImportedItem = {
    sourceId,
    title: String(data.title ?? sourceId),
    status: mapped ?? "open",
    priority: PRIORITY[String(data.priority ?? "").toLowerCase()] ?? 2,
    type: "task",
    labels: list(data.labels),
    deps: list(data.dependencies),
    body: split.body.replace(/^[ \t]*<!-- (?:SECTION:[A-Z_]+|AC|DOD):(?:BEGIN|END) -->[ \t]*\r?\n?/gm, ""),
    extra,
  };
  const created = backlogDate(data.created_date);
  if (created) item.created = created;
  return item;
}

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).filter((item) => item.trim() !== "");
  if (typeof value === "string" && value.trim() !== "") return [value];
  return [];
}

/** Backlog writes `2026-12-05 20:29` (local time, no zone); kept as written, as a UTC time. */
function backlogDate(value: unknown): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}))?/.exec(String(value ?? ""));
  return match ? `${match[1]}T${match[2] ?? "00:00"}:00Z` : undefined;
}
