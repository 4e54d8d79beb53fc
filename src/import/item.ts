import { renderValue } from "../bead/edit-render.js";
import { isValidId } from "../bead/ids.js";

/**
 * A work item read from another tracker, in beadboard's terms, before ids are assigned. The
 * readers (backlog.ts, beads-jsonl.ts) make these; plan.ts maps ids and renders bead files. Pure.
 */
export interface ImportedItem {
  /** The id in the source tracker, e.g. TASK-1 or bd-a1b2. */
  sourceId: string;
  title: string;
  status: "open" | "done" | "blocked" | "cancelled";
  priority: number;
  type: "task" | "bug" | "research" | "chore" | "epic";
  labels: string[];
  /** Source ids this item waits for. */
  deps: string[];
  body: string;
  created?: string;
  /** Source fields kept as they were, when beadboard has no field of the same meaning. */
  extra: Record<string, string>;
}

export interface ImportPlan {
  create: Array<{ id: string; sourceId: string; text: string }>;
  /** Items already imported by an earlier run: source id → the bead made then. */
  skipped: Array<{ id: string; sourceId: string }>;
  /** Deps that name nothing in the source nor on the board: dropped, and said. */
  droppedDeps: Array<{ sourceId: string; dep: string }>;
}

/** `imported_from` value of a bead made from `sourceId` of tracker `source`: how a re-run knows it. */
export function importKey(source: string, sourceId: string): string {
  return `${source}:${sourceId}`;
}

/**
 * Ids for new beads (the source id lower-cased when that is a valid, free id; else with a
 * suffix), deps mapped to them, and files rendered. Items whose key is in `existing` are skipped.
 */
export function planImport(source: string, items: readonly ImportedItem[], existing: ReadonlyMap<string, string>, takenIds: ReadonlySet<string>): ImportPlan {
  const taken = new Set(takenIds);
  const idOf = new Map<string, string>();
  const plan: ImportPlan = { create: [], skipped: [], droppedDeps: [] };
  const fresh: ImportedItem[] = [];
  for (const item of items) {
    if (idOf.has(item.sourceId)) continue; // the same source id twice in one file: the first wins
    const already = existing.get(importKey(source, item.sourceId));
    if (already !== undefined) {
      idOf.set(item.sourceId, already);
      plan.skipped.push({ id: already, sourceId: item.sourceId });
      continue;
    }
    const id = freeId(item.sourceId, taken);
    taken.add(id);
    idOf.set(item.sourceId, id);
    fresh.push(item);
  }
  for (const item of fresh) {
    const deps: string[] = [];
    for (const dep of item.deps) {
      const mapped = idOf.get(dep) ?? existing.get(importKey(source, dep));
      if (mapped === undefined) plan.droppedDeps.push({ sourceId: item.sourceId, dep });
      else if (!deps.includes(mapped)) deps.push(mapped);
    }
    const id = idOf.get(item.sourceId)!;
    plan.create.push({ id, sourceId: item.sourceId, text: renderBead(item, deps, importKey(source, item.sourceId)) });
  }
  return plan;
}

function freeId(sourceId: string, taken: ReadonlySet<string>): string {
  const base = sourceId.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[^a-z0-9]+/, "").slice(0, 60) || "imported";
  const start = isValidId(base) ? base : `imported-${base}`;
  if (!taken.has(start)) return start;
  for (let n = 2; ; n++) if (!taken.has(`${start}-${n}`)) return `${start}-${n}`;
}

function renderBead(item: ImportedItem, deps: string[], key: string): string {
  const lines = ["---", `title: ${renderValue(item.title)}`, `status: ${item.status}`, `priority: ${item.priority}`, `type: ${item.type}`];
  if (item.labels.length > 0) lines.push(`labels: ${renderValue(item.labels)}`);
  if (deps.length > 0) lines.push(`deps: ${renderValue(deps)}`);
  if (item.created) lines.push(`created: ${renderValue(item.created)}`);
  for (const [name, value] of Object.entries(item.extra)) lines.push(`${name}: ${renderValue(value)}`);
  lines.push(`imported_from: ${renderValue(key)}`, "---");
  const body = item.body.replace(/\r\n?/g, "\n").trim();
  return `${lines.join("\n")}\n${body ? `${body}\n` : ""}`;
}
