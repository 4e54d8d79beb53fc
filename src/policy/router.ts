/**
 * Rule-based routing of beads that name no agent, and tier inference. Pure, no I/O.
 *
 * Routing is deliberately simple and explainable: every decision comes with the rule that
 * made it, so `bead show` can say why an agent got a bead. Whether the context may actually
 * go to that agent's model is the gate's decision, made again at work time.
 */
import { TIERS, sensitivityRank, type Sensitivity, type Tier } from "../bead/fields.js";

export interface AgentTakes {
  name: string;
  takes: { labels?: string[]; types?: string[]; prefixes?: string[] };
  locality: "local" | "remote";
  clearance: Sensitivity;
}

export interface RoutableBead {
  title: string;
  labels: string[];
  type: string;
  sensitivity: Sensitivity;
}

export interface Route {
  agent: string;
  rule: string;
}

// A title prefix is the most deliberate signal a person gives ("Research: …"), a label the
// next, the bead type the weakest; the catch-all only takes what nobody else matches.
const SCORE = { prefix: 3, label: 2, type: 1, catchAll: 0 } as const;

interface Match {
  agent: AgentTakes;
  score: number;
  rule: string;
}

const norm = (s: string): string => s.trim().toLowerCase();

function bestMatch(bead: RoutableBead, agent: AgentTakes): Match | undefined {
  const title = norm(bead.title);
  const labels = new Set(bead.labels.map(norm));
  const prefix = (agent.takes.prefixes ?? []).find((p) => norm(p) !== "" && title.startsWith(norm(p)));
  if (prefix !== undefined) return { agent, score: SCORE.prefix, rule: `title prefix "${prefix}"` };
  const label = (agent.takes.labels ?? []).find((l) => l !== "*" && labels.has(norm(l)));
  if (label !== undefined) return { agent, score: SCORE.label, rule: `label "${label}"` };
  const type = (agent.takes.types ?? []).find((t) => norm(t) === norm(bead.type));
  if (type !== undefined) return { agent, score: SCORE.type, rule: `type "${type}"` };
  if ((agent.takes.labels ?? []).includes("*")) return { agent, score: SCORE.catchAll, rule: `catch-all labels ["*"]` };
  return undefined;
}

export function routeByRules(bead: RoutableBead, agents: AgentTakes[]): Route | undefined {
  const matches: Match[] = [];
  for (const agent of agents) {
    // Clearance is a hard limit, not a preference: no score buys a bead above it.
    if (sensitivityRank(agent.clearance) < sensitivityRank(bead.sensitivity)) continue;
    const match = bestMatch(bead, agent);
    if (match) matches.push(match);
  }
  matches.sort(
    (a, b) =>
      b.score - a.score ||
      (a.agent.locality === b.agent.locality ? 0 : a.agent.locality === "local" ? -1 : 1) ||
      (a.agent.name < b.agent.name ? -1 : a.agent.name > b.agent.name ? 1 : 0),
  );
  const best = matches[0];
  return best ? { agent: best.agent.name, rule: best.rule } : undefined;
}

export interface TierableBead {
  title: string;
  body: string;
  labels: string[];
  type: string;
  tier?: string;
}

const TRIVIAL_TITLE = /^(?:fix(?:ed)? typos?|typo|spelling|rename|bump|format|reformat|lint|update (?:the )?(?:readme|changelog|docs?|copyright))\b/i;
const COMPLEX_TITLE = /\b(?:design|architect(?:ure)?|refactor|migrat(?:e|ion)|rewrite|investigate|security|concurren(?:t|cy)|race|performance|distributed)\b/i;

/**
 * Which model tier a bead needs. An explicit valid `tier` always wins. Otherwise, in order:
 * 1. labels `trivial` / `complex` (or `hard`) say so directly;
 * 2. epics are complex (they are plans over several beads);
 * 3. complex when the title names work that needs judgement (design, refactor, migrate,
 *    investigate, security, concurrency, performance…), or the body is long (over 300
 *    words) or lists many steps (8 or more list items);
 * 4. trivial when the title is a mechanical chore (typo, rename, bump, format, lint, update
 *    the README…) or a chore bead has a short body (under 40 words, no code block);
 * 5. standard otherwise.
 * Research beads are never trivial: reading and summarising is at least standard work.
 */
function isTier(value: string | undefined): value is Tier {
  return TIERS.some((t) => t === value);
}

export function inferTier(bead: TierableBead): Tier {
  if (isTier(bead.tier)) return bead.tier;
  const labels = new Set(bead.labels.map(norm));
  if (labels.has("trivial")) return "trivial";
  if (labels.has("complex") || labels.has("hard")) return "complex";
  if (bead.type === "epic") return "complex";
  const words = bead.body.split(/\s+/).filter(Boolean).length;
  const listItems = (bead.body.match(/^\s*(?:[-*+]|\d+[.)])\s+/gm) ?? []).length;
  if (COMPLEX_TITLE.test(bead.title) || words > 300 || listItems >= 8) return "complex";
  if (bead.type === "research") return "standard";
  const hasCode = bead.body.includes("```");
  if (TRIVIAL_TITLE.test(bead.title.trim()) || (bead.type === "chore" && words < 40 && !hasCode)) return "trivial";
  return "standard";
}
