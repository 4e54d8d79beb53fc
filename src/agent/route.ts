/**
 * The router (issue 6): before agents pick work, every open bead without an `agent` is
 * assigned, as a commit `route <id> -> <agent> (<rule>)`:
 * 1. beads that ask for a builtin action (`run:` or `write:`) go to a builtin agent with that
 *    action: tier trivial, zero model calls; epics go to a planner (`role: planner`);
 * 2. otherwise the rules over every agent's `takes` (title prefix, label, type, catch-all);
 * 3. otherwise, when .beadboard.yml names `router: <agent>`, that agent's model picks the agent
 *    (and suggests tier and priority) with a structured reply, through the sensitivity gate.
 * Remote agents are candidates only for beads they may take (escalation approved, or the board
 * policy approves the category), and never on a local-only board. The same pass asks for
 * escalation of `tier: complex` beads and hands approved ones to a remote agent (escalate.ts).
 * Every decision is re-checked under the board lock, so several processes routing the same
 * board commit each assignment once.
 */
import { join } from "node:path";
import { setFields } from "../bead/edit-yaml.js";
import { splitFrontMatter } from "../bead/frontmatter.js";
import { sensitivityRank, type Bead, type Tier } from "../bead/fields.js";
import type { BoardConfig } from "../board/config.js";
import { loadBoard, type Board } from "../board/load.js";
import { beadPath } from "../board/paths.js";
import { parseBeadFile } from "../board/read-bead.js";
import { editBead, type BeadEdit, type WriteContext } from "../board/write.js";
import type { Remote } from "../sync/remote.js";
import { routeThroughRemote } from "./route-remote.js";
import { eligibleAgents } from "../policy/escalation.js";
import type { GatePolicy } from "../policy/gate.js";
import { routeByRules } from "../policy/router.js";
import { escalationPossible, handOver, needsHandOver, requestEscalation, type EscalationEnv } from "./escalate.js";
import type { MetricsLog } from "./metrics.js";
import { workerAgents, type AgentRegistry, type ResolvedAgent } from "./registry.js";
import { askRouterModel } from "./route-model.js";

export interface RouteDecision {
  agent: string;
  rule: string;
  tier?: Tier;
  priority?: number;
}

/** Agents a bead may be routed to: workers (not routers) it may go to, with the clearance for it. Pure. */
export function routeCandidates(bead: Pick<Bead, "fields">, registry: AgentRegistry, approve: readonly string[], localOnly: boolean): ResolvedAgent[] {
  return eligibleAgents(bead.fields, workerAgents(registry, localOnly), approve).filter(
    (entry) => sensitivityRank(entry.agent.fields.clearance) >= sensitivityRank(bead.fields.sensitivity),
  );
}

/** Steps 1 and 2: builtin actions, then the rules. Pure. */
export function routeByBoardRules(bead: Pick<Bead, "fields">, candidates: readonly ResolvedAgent[]): RouteDecision | undefined {
  for (const action of ["run", "write"] as const) {
    if (bead.fields[action] === undefined) continue;
    const builtin = candidates
      .filter((entry) => entry.agent.fields.provider === "builtin" && entry.agent.fields.action === action)
      .sort((a, b) => (a.agent.name < b.agent.name ? -1 : 1))[0];
    if (builtin) return { agent: builtin.agent.name, rule: `${action}: builtin`, tier: "trivial" };
  }
  // An epic is a plan over several beads: a planner's, whatever its labels say.
  if (bead.fields.type === "epic") {
    const planner = candidates.filter((entry) => entry.agent.fields.role === "planner").sort((a, b) => (a.agent.name < b.agent.name ? -1 : 1))[0];
    if (planner) return { agent: planner.agent.name, rule: "epic: planner" };
  }
  const byRule = routeByRules(bead.fields, candidates.map((entry) => entry.takes));
  return byRule ? { agent: byRule.agent, rule: byRule.rule } : undefined;
}

export interface RouterOptions {
  ctx: WriteContext;
  /** Where the board comes from (a LiveBoard in `bead up`); default: loadBoard. */
  board?: { current(): Promise<Board> };
  config: BoardConfig;
  registry: AgentRegistry;
  gatePolicy: GatePolicy;
  metrics: MetricsLog;
  log: (line: string) => void;
  /** A synced board: rule-based routes are committed on the fetched board and pushed at once (route-remote.ts). */
  remote?: Remote;
}

export interface RouteSummary {
  routed: number;
  escalations: number;
}

export class BoardRouter {
  private running: Promise<RouteSummary> | undefined;
  /** Beads the router model was already asked about, and beads reported as unroutable: once per process. */
  private readonly asked = new Set<string>();
  private readonly reported = new Set<string>();

  constructor(private readonly options: RouterOptions) {}

  /** One routing pass over the board; concurrent callers share the pass in flight. */
  run(): Promise<RouteSummary> {
    this.running ??= this.runNow().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private get approve(): readonly string[] {
    return this.options.config.policy.approve ?? [];
  }

  private async runNow(): Promise<RouteSummary> {
    const { ctx, registry, gatePolicy, log } = this.options;
    const board = await (this.options.board ? this.options.board.current() : loadBoard(ctx.paths));
    const summary: RouteSummary = { routed: 0, escalations: 0 };
    const escalation: EscalationEnv = { ...this.options, approve: this.approve };
    const remotely = this.options.remote ? await this.routeByRulesThroughRemote(board.beads, this.options.remote) : { handled: new Set<string>(), routed: 0 };
    const routedRemotely = remotely.handled;
    summary.routed += remotely.routed;
    for (const bead of board.beads) {
      const { fields } = bead;
      try {
        if (fields.status === "open" && fields.tier === "complex" && fields.escalation === undefined && escalationPossible(fields, registry, gatePolicy)) {
          if (await requestEscalation(escalation, bead.id, "tier complex", "router")) summary.escalations++;
        }
        if (fields.status === "open" && fields.agent === undefined && !routedRemotely.has(bead.id) && (await this.route(bead))) summary.routed++;
        if (needsHandOver(fields, registry, this.approve) && (await handOver(escalation, bead.id, fields))) summary.escalations++;
      } catch (error) {
        log(`${bead.id}: routing failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return summary;
  }

  /** Every rule-routable bead in one round through the remote; the router model's picks go the usual way. */
  private async routeByRulesThroughRemote(beads: readonly Bead[], remote: Remote): Promise<{ handled: Set<string>; routed: number }> {
    const decided = new Map<string, RouteDecision>();
    for (const bead of beads) {
      if (bead.fields.status !== "open" || bead.fields.agent !== undefined) continue;
      const decision = routeByBoardRules(bead, routeCandidates(bead, this.options.registry, this.approve, this.options.gatePolicy.localOnly));
      if (decision) decided.set(bead.id, decision);
    }
    if (decided.size === 0) return { handled: new Set(), routed: 0 };
    const routes = [...decided].map(([id, decision]) => ({ id, edit: this.routeEdit(id, decision), message: routeMessage(id, decision) }));
    try {
      const routed = await routeThroughRemote(this.options.ctx, remote, routes);
      for (const id of routed) this.recordRoute(id, decided.get(id)!);
      // Beads routed by another clone meanwhile count as handled here too.
      return { handled: new Set(decided.keys()), routed: routed.length };
    } catch (error) {
      // Server down or the race kept being lost: route here; the routes go out with the next sync.
      this.options.log(`routing through the remote failed (${error instanceof Error ? error.message : String(error)}); routing locally`);
      return { handled: new Set(), routed: 0 };
    }
  }

  private async route(bead: Bead): Promise<boolean> {
    const candidates = routeCandidates(bead, this.options.registry, this.approve, this.options.gatePolicy.localOnly);
    const decision = routeByBoardRules(bead, candidates) ?? (await this.askModel(bead, candidates));
    if (!decision) {
      if (!this.reported.has(bead.id)) this.options.log(`${bead.id}: no agent takes it; set agent: in the bead or add takes: to an agent`);
      this.reported.add(bead.id);
      return false;
    }
    return this.commit(bead.id, decision);
  }

  private async askModel(bead: Bead, candidates: ResolvedAgent[]): Promise<RouteDecision | undefined> {
    const name = this.options.config.routerAgent;
    if (name === undefined || this.asked.has(bead.id)) return undefined;
    this.asked.add(bead.id);
    const router = this.options.registry.get(name);
    if (!router) {
      this.options.log(`router ${name} (named in .beadboard.yml) has no valid agents/${name}.md`);
      return undefined;
    }
    if (router.locality === "remote" && this.options.gatePolicy.localOnly) return undefined;
    const full = parseBeadFile(join(this.options.ctx.paths.root, beadPath(bead.id)), bead.id);
    const choices = candidates.filter((entry) => entry.agent.fields.provider !== "builtin" || entry.agent.fields.action === "report");
    try {
      const reply = await askRouterModel(router, full, choices, this.options.gatePolicy, this.options.metrics);
      if (!reply.ok) {
        this.options.log(`${bead.id}: router ${name} did not route it: ${reply.reason}`);
        return undefined;
      }
      return { agent: reply.agent, rule: `router ${name}`, tier: reply.tier, priority: reply.priority };
    } catch (error) {
      this.options.log(`${bead.id}: router ${name} failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  private async commit(id: string, decision: RouteDecision): Promise<boolean> {
    const result = await editBead(this.options.ctx, id, this.routeEdit(id, decision), routeMessage(id, decision));
    if (!result.commit) return false;
    this.recordRoute(id, decision);
    return true;
  }

  private recordRoute(id: string, decision: RouteDecision): void {
    this.options.metrics.record({ event: "route", agent: decision.rule.startsWith("router ") ? (this.options.config.routerAgent ?? "router") : "rules", bead: id, assigned: decision.agent, rule: decision.rule, tier: decision.tier });
  }

  private routeEdit(id: string, decision: RouteDecision): BeadEdit {
    return (text, current) => {
        if (current.fields.agent !== undefined || current.fields.status !== "open") return null;
        const changes: Record<string, unknown> = { agent: decision.agent };
        if (decision.tier !== undefined && current.fields.tier === undefined) changes.tier = decision.tier;
        // A priority a person wrote wins over the router's suggestion.
        if (decision.priority !== undefined && !/^priority[ \t]*:/m.test(splitFrontMatter(text, beadPath(id)).yaml)) changes.priority = decision.priority;
        return setFields(text, changes, beadPath(id));
    };
  }
}

function routeMessage(id: string, decision: RouteDecision): string {
  return `route ${id} -> ${decision.agent} (${decision.rule})`;
}
