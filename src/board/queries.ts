import type { Bead, Status } from "../bead/fields.js";

/** Pure queries over loaded beads. `now` is passed in so callers (and tests) control time. */

export interface BeadFilter {
  status?: Status[];
  agent?: string;
  label?: string[];
}

export function filterBeads(beads: readonly Bead[], filter: BeadFilter): Bead[] {
  return beads.filter(
    (bead) =>
      (!filter.status || filter.status.includes(bead.fields.status)) &&
      (filter.agent === undefined || bead.fields.agent === filter.agent) &&
      (!filter.label || filter.label.every((label) => bead.fields.labels.includes(label))),
  );
}

/** Priority first (0 is most urgent), then oldest first, then id for a stable order. */
export function byPriorityThenAge(a: Bead, b: Bead): number {
  return a.fields.priority - b.fields.priority || a.createdMs - b.createdMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function leaseExpired(bead: Bead, now: number): boolean {
  if (bead.fields.status !== "claimed") return false;
  const until = bead.fields.lease_until ? Date.parse(bead.fields.lease_until) : Number.NaN;
  // A claim without a readable lease cannot be renewed by anyone: treat it as lapsed.
  return Number.isNaN(until) || until <= now;
}

export interface Blocker {
  id: string;
  /** The blocker's status, or "missing" when no such bead exists (or it is invalid). */
  status: Status | "missing";
}

export function blockersOf(bead: Bead, byId: ReadonlyMap<string, Bead>): Blocker[] {
  const blockers: Blocker[] = [];
  for (const dep of bead.fields.deps) {
    const blocker = byId.get(dep);
    if (!blocker) blockers.push({ id: dep, status: "missing" });
    else if (blocker.fields.status !== "done") blockers.push({ id: dep, status: blocker.fields.status });
  }
  return blockers;
}

export interface ReadyOptions {
  /** Only beads for this agent: assigned to it, or unassigned. */
  agent?: string;
  /** Also count claimed beads whose lease has lapsed (what an agent may take over). */
  includeExpired?: boolean;
  now?: number;
}

/** Open beads whose deps are all done and that are not part of a dependency cycle. */
export function readyBeads(beads: readonly Bead[], byId: ReadonlyMap<string, Bead>, options: ReadyOptions = {}): Bead[] {
  const now = options.now ?? Date.now();
  const inCycle = new Set(findCycles(beads).flat());
  return beads
    .filter((bead) => {
      const { status, agent } = bead.fields;
      const available = status === "open" || (options.includeExpired === true && leaseExpired(bead, now));
      // A bead with a schedule is a template for recurring beads (src/recur/), never worked itself.
      if (!available || inCycle.has(bead.id) || bead.fields.schedule !== undefined) return false;
      if (options.agent !== undefined && agent !== undefined && agent !== options.agent) return false;
      return blockersOf(bead, byId).length === 0;
    })
    .sort(byPriorityThenAge);
}

export interface BlockedBead {
  bead: Bead;
  blockers: Blocker[];
}

/** Beads that cannot move: open with unfinished deps, or explicitly `blocked`. */
export function blockedBeads(beads: readonly Bead[], byId: ReadonlyMap<string, Bead>): BlockedBead[] {
  const result: BlockedBead[] = [];
  for (const bead of beads) {
    if (bead.fields.status !== "open" && bead.fields.status !== "blocked") continue;
    const blockers = blockersOf(bead, byId);
    if (blockers.length > 0 || bead.fields.status === "blocked") result.push({ bead, blockers });
  }
  return result.sort((a, b) => byPriorityThenAge(a.bead, b.bead));
}

/** Dependency cycles (each a list of ids, in dependency order), by Tarjan's strongly connected components. */
export function findCycles(beads: readonly Bead[]): string[][] {
  const deps = new Map<string, string[]>();
  for (const bead of beads) deps.set(bead.id, bead.fields.deps);
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];

  // Iterative so that a long dependency chain cannot overflow the call stack.
  for (const start of deps.keys()) {
    if (index.has(start)) continue;
    const work: Array<{ id: string; next: number }> = [{ id: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const edges = deps.get(frame.id) ?? [];
      if (frame.next < edges.length) {
        const dep = edges[frame.next++]!;
        if (!deps.has(dep)) continue;
        if (!index.has(dep)) {
          index.set(dep, counter);
          low.set(dep, counter++);
          stack.push(dep);
          onStack.add(dep);
          work.push({ id: dep, next: 0 });
        } else if (onStack.has(dep)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(dep)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        const selfLoop = component.length === 1 && (deps.get(frame.id) ?? []).includes(frame.id);
        if (component.length > 1 || selfLoop) cycles.push(component.reverse());
      }
    }
  }
  return cycles;
}
