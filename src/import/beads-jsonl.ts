import { renderComment } from "../bead/comments.js";
import { ParseError } from "../errors.js";
import type { ImportedItem } from "./item.js";

/**
 * bd's JSONL export (.beads/issues.jsonl: one issue per line, as steveyegge/beads writes it) as
 * ImportedItems. Only blocking dependency types (blocks, conditional-blocks, waits-for) become
 * deps; parent-child becomes `parent`, discovered-from `discovered_from`. Tombstones (deleted
 * issues) are left out. Pure; a line that is not an issue is an error naming the file and line.
 */
const STATUS: Record<string, ImportedItem["status"]> = { open: "open", in_progress: "open", blocked: "blocked", deferred: "open", closed: "done", pinned: "open", hooked: "open" };
const TYPES: Record<string, ImportedItem["type"]> = { task: "task", bug: "bug", epic: "epic", chore: "chore", feature: "task" };
const BLOCKING = new Set(["blocks", "conditional-blocks", "waits-for"]);

interface BdIssue {
  id?: unknown;
  title?: unknown;
  description?: unknown;
  design?: unknown;
  acceptance_criteria?: unknown;
  notes?: unknown;
  status?: unknown;
  priority?: unknown;
  issue_type?: unknown;
  assignee?: unknown;
  labels?: unknown;
  dependencies?: unknown;
  comments?: unknown;
  created_at?: unknown;
  close_reason?: unknown;
}

export function fromBeadsJsonl(text: string, file: string): ImportedItem[] {
  const items: ImportedItem[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    let issue: BdIssue;
    try {
      issue = JSON.parse(line) as BdIssue;
    } catch (error) {
      throw new ParseError(file, i + 1, `not JSON: ${(error as Error).message}`, "each line of a bd export is one issue as a JSON object");
    }
    if (typeof issue !== "object" || issue === null || typeof issue.id !== "string" || typeof issue.title !== "string") {
      throw new ParseError(file, i + 1, "not a bd issue: it needs a string id and title", "export with `bd export` (or use .beads/issues.jsonl)");
    }
    if (issue.status === "tombstone") continue;
    items.push(toItem(issue as BdIssue & { id: string; title: string }));
  }
  return items;
}

function toItem(issue: BdIssue & { id: string; title: string }): ImportedItem {
  const status = String(issue.status ?? "open");
  const extra: Record<string, string> = {};
  if (STATUS[status] === undefined || status !== "open") extra.imported_status = status;
  const type = String(issue.issue_type ?? "task");
  if (TYPES[type] === undefined || type === "feature") extra.imported_type = type;
  if (typeof issue.assignee === "string" && issue.assignee !== "") extra.assignee = issue.assignee;
  if (typeof issue.close_reason === "string" && issue.close_reason !== "") extra.reason = issue.close_reason;
  const deps: string[] = [];
  const related: string[] = [];
  for (const dep of Array.isArray(issue.dependencies) ? (issue.dependencies as Array<Record<string, unknown>>) : []) {
    const target = typeof dep?.depends_on_id === "string" ? dep.depends_on_id : undefined;
    if (target === undefined || target === issue.id) continue;
    const kind = String(dep.type ?? "blocks");
    if (BLOCKING.has(kind)) deps.push(target);
    else if (kind === "parent-child") extra.parent = target;
    else if (kind === "discovered-from") extra.discovered_from = target;
    // beadboard has no non-blocking link; the ids are kept as text so nothing bd knew is lost.
    else related.push(`${target} (${kind})`);
  }
  const priority = Number(issue.priority);
  const item: ImportedItem = {
    sourceId: issue.id,
    title: issue.title,
    status: STATUS[status] ?? "open",
    priority: Number.isInteger(priority) && priority >= 0 && priority <= 4 ? priority : 2,
    type: TYPES[type] ?? "task",
    labels: Array.isArray(issue.labels) ? issue.labels.map(String) : [],
    deps,
    body: body(issue, related),
    extra,
  };
  if (typeof issue.created_at === "string") item.created = issue.created_at;
  return item;
}

function body(issue: BdIssue, related: readonly string[]): string {
  const parts: string[] = [];
  if (typeof issue.description === "string" && issue.description.trim()) parts.push(issue.description.trim());
  if (typeof issue.design === "string" && issue.design.trim()) parts.push(`## Design\n${issue.design.trim()}`);
  if (typeof issue.acceptance_criteria === "string" && issue.acceptance_criteria.trim()) parts.push(`## Acceptance\n${issue.acceptance_criteria.trim()}`);
  if (typeof issue.notes === "string" && issue.notes.trim()) parts.push(`## Notes\n${issue.notes.trim()}`);
  const comments = Array.isArray(issue.comments) ? (issue.comments as Array<Record<string, unknown>>) : [];
  const rendered = comments
    .filter((comment) => typeof comment?.text === "string")
    .map((comment) => renderComment({ author: String(comment.author ?? "someone"), at: String(comment.created_at ?? ""), text: String(comment.text) }));
  if (rendered.length > 0) parts.push(`## Comments\n${rendered.join("\n")}`);
  if (related.length > 0) parts.push(`## Related in bd\n${related.map((link) => `- ${link}`).join("\n")}`);
  return parts.join("\n\n");
}
