import { get } from "./api.js";
import { clear, countdown, el } from "./dom.js";

export async function renderAgents(root) {
  const data = await get("/api/agents");
  const sync = data.sync;
  clear(root).append(el("div.agents", {},
    el("h2", {}, "Agents"),
    el("p.sync", {}, `branch ${sync.branch} at ${(sync.head ?? "no commits").slice(0, 10)}; `,
      sync.remote === null ? "no remote-tracking branch (not synced)" : sync.inSync ? "in sync with origin" : `origin at ${sync.remote.slice(0, 10)}: not in sync`),
    data.agents.length === 0 ? el("p.none", {}, "no agents (add agents/<name>.md)") : el("table.list", {},
      el("tr", {}, ["agent", "model", "locality", "role", "queue", "holds", "last error", "last seen"].map((h) => el("th", {}, h))),
      data.agents.map((agent) => el("tr", {},
        el("td", {}, agent.name), el("td", {}, `${agent.provider}:${agent.model}`), el("td", {}, el(`span.loc.${agent.locality}`, {}, agent.locality)),
        el("td", {}, agent.role), el("td", {}, String(agent.queue)),
        el("td", {}, agent.holding.length === 0 ? "idle" : agent.holding.map((bead) => el("div", {}, el("a", { href: `#/bead/${encodeURIComponent(bead.id)}` }, bead.id), ` ${bead.title} — `, bead.leaseUntil ? el("span.lease", { dataset: { until: bead.leaseUntil } }, countdown(bead.leaseUntil)) : "no lease"))),
        el("td.small", {}, agent.lastError ? `${agent.lastError.event}${agent.lastError.bead ? ` ${agent.lastError.bead}` : ""}: ${agent.lastError.reason}` : "–"),
        el("td.small", {}, agent.lastSeen ? agent.lastSeen.slice(0, 16).replace("T", " ") : "–")))),
    data.problems.length ? el("div.problems", {}, data.problems.join("; ")) : null,
    modelsSection()));
}

/** `bead doctor`'s model checks, on request: each may wait on a model server for seconds. */
function modelsSection() {
  const box = el("div.models");
  const run = async () => {
    clear(box).append(el("h3", {}, "Model servers"), el("p.none", {}, "checking…"));
    try {
      const { checks } = await get("/api/models");
      clear(box).append(el("h3", {}, "Model servers ", el("button", { type: "button", name: "check-models", onclick: run }, "Check again")),
        el("table.list", {}, checks.map((check) => el("tr", {}, el("td", {}, el(`span.loc.${check.ok ? "local" : "remote"}`, {}, check.ok ? "ok" : "FAIL")), el("td", {}, check.name), el("td", {}, check.detail)))));
    } catch (error) {
      clear(box).append(el("p.error", {}, error.message));
    }
  };
  box.append(el("h3", {}, "Model servers ", el("button", { type: "button", name: "check-models", onclick: run }, "Check model servers")));
  return box;
}

function bars(title, rows, unit = "") {
  const max = Math.max(1, ...rows.map((row) => row.value));
  return el("section.chart", {}, el("h3", {}, title),
    rows.length === 0 ? el("p.none", {}, "no data yet") : rows.map((row) => {
      const bar = el("span.bar");
      bar.style.width = `${(100 * row.value) / max}%`;
      return el("div.barrow", {}, el("span.barlabel", {}, row.label), el("span.bartrack", {}, bar), el("span.barvalue", {}, `${row.value}${unit}`));
    }));
}

const pct = (share) => (share === null ? "–" : `${Math.round(share * 100)}%`);

export async function renderNumbers(root) {
  const s = await get("/api/stats");
  clear(root).append(el("div.numbers", {},
    el("h2", {}, "Numbers"),
    el("div.tiles", {},
      [["done", s.beads.done], ["failed", s.beads.failed], ["blocked", s.beads.blocked], ["local share (beads)", pct(s.beads.localShare)],
        ["local share (tokens)", pct(s.tokens.localShare)], ["gate blocks", s.gate.blocked], ["escalations", s.escalations.requested], ["guardrail events", s.guardrails], ["model calls", s.modelCalls.total]]
        .map(([label, value]) => el("div.tile", {}, el("div.value", {}, String(value)), el("div.tlabel", {}, label)))),
    el("div.charts", {},
      bars("Throughput: beads done by agent", s.doneBy.map((row) => ({ label: `${row.agent} (${row.locality})`, value: row.done }))),
      bars("Latency (ms)", [["model call p50", s.latency.modelCallMs.p50], ["model call p95", s.latency.modelCallMs.p95], ["bead p50", s.latency.beadMs.p50], ["bead p95", s.latency.beadMs.p95]]
        .map(([label, value]) => ({ label, value: Math.round(value ?? 0) }))),
      bars("Tokens by agent", s.tokens.byAgent.map((row) => ({ label: row.agent, value: row.in + row.out }))),
      bars("Gate blocks by agent", s.gate.blockedBy.map((row) => ({ label: row.agent, value: row.count })))),
    el("p.small", {}, `${s.events} events${s.from ? ` from ${s.from.slice(0, 16)} to ${(s.to ?? "").slice(0, 16)}` : ""}`)));
}
