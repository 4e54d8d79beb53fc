import { post, beadUrl } from "./api.js";
import { clear, countdown, el, notice } from "./dom.js";

export const COLUMNS = ["open", "blocked", "claimed", "done", "failed", "cancelled"];
/** Cards a column shows before "N more": 10,000 beads must not mean 10,000 DOM nodes. */
const PAGE = 100;

const filters = { text: "", label: "", agent: "", status: "" };
const shown = Object.fromEntries(COLUMNS.map((column) => [column, PAGE]));

function matches(card) {
  if (filters.status && card.column !== filters.status) return false;
  if (filters.label && !card.labels.includes(filters.label)) return false;
  if (filters.agent && card.agent !== filters.agent && !(card.claimedBy ?? "").startsWith(`${filters.agent}@`) && card.claimedBy !== filters.agent) return false;
  if (filters.text) {
    const needle = filters.text.toLowerCase();
    if (!card.title.toLowerCase().includes(needle) && !card.id.toLowerCase().includes(needle) && !card.labels.some((label) => label.toLowerCase().includes(needle))) return false;
  }
  return true;
}

function cardNode(card) {
  return el(
    "article.card",
    { draggable: true, dataset: { id: card.id, version: card.version }, tabIndex: 0,
      ondragstart: (event) => {
        event.dataTransfer.setData("text/plain", JSON.stringify({ id: card.id, version: card.version }));
        event.dataTransfer.effectAllowed = "move";
      },
      onclick: () => (location.hash = `#/bead/${encodeURIComponent(card.id)}`),
      onkeydown: (event) => event.key === "Enter" && (location.hash = `#/bead/${encodeURIComponent(card.id)}`) },
    el("div.card-top", {}, el(`span.prio.p${card.priority}`, { title: "priority" }, `P${card.priority}`), el("span.id", {}, card.id), card.escalation ? el(`span.esc.${card.escalation}`, { title: `escalation ${card.escalation}` }, `⚑ ${card.escalation}`) : null),
    el("div.title", {}, card.title),
    card.labels.length ? el("div.labels", {}, card.labels.map((label) => el("span.label", {}, label))) : null,
    el("div.meta", {},
      card.agent ? el("span.agent", {}, `@${card.agent}`) : null,
      card.claimedBy ? el("span.holder", {}, card.claimedBy) : null,
      card.leaseUntil && card.status === "claimed" ? el("span.lease", { dataset: { until: card.leaseUntil } }, countdown(card.leaseUntil)) : null,
      card.column === "blocked" && card.status === "open" ? el("span.waits", {}, `waits on ${card.deps.length}`) : null),
  );
}

function options(select, name, values) {
  const wanted = ["", ...values];
  const have = [...select.options].map((option) => option.value);
  if (have.join("\u0000") === wanted.join("\u0000")) return;
  clear(select).append(el("option", { value: "" }, `any ${name}`), ...values.map((value) => el("option", { value, selected: filters[name] === value }, value)));
}

/** The filter bar is built once and kept across live redraws, so typing in it is never interrupted. */
function filterBar(rerender) {
  const select = (name, title) => el("select", { name, title, onchange: (event) => ((filters[name] = event.target.value), rerender()) });
  const text = el("input", { type: "search", name: "text", placeholder: "filter: title, id, label", value: filters.text,
    oninput: (event) => ((filters.text = event.target.value), rerender()) });
  const status = select("status", "status");
  options(status, "status", COLUMNS);
  return el("div.filters", {}, text, select("label", "label"), select("agent", "agent"), status);
}

let lastCards = [];
let lastProblems = [];

/** Draw the board into `root`. Called again on every live update; keeps the filters. */
export function renderBoard(root, data) {
  lastCards = data.cards;
  lastProblems = data.problems;
  const draw = () => {
    const board = el("div.board");
    for (const column of COLUMNS) {
      const all = lastCards.filter((card) => card.column === column && matches(card)).sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : 1));
      const list = el("div.cards", {}, all.slice(0, shown[column]).map(cardNode));
      if (all.length > shown[column]) {
        list.append(el("button.more", { type: "button", onclick: () => ((shown[column] += PAGE * 5), draw()) }, `${all.length - shown[column]} more`));
      }
      board.append(el(`section.column.col-${column}`, { dataset: { column },
        ondragover: (event) => { event.preventDefault(); event.currentTarget.classList.add("over"); },
        ondragleave: (event) => event.currentTarget.classList.remove("over"),
        ondrop: (event) => drop(event, column) },
        el("h2", {}, column, el("span.count", {}, String(all.length))), list));
    }
    let bar = root.querySelector(":scope > .filters");
    if (!bar) {
      bar = filterBar(draw);
      clear(root).append(bar);
    }
    options(bar.querySelector("[name=label]"), "label", [...new Set(lastCards.flatMap((card) => card.labels))].sort());
    options(bar.querySelector("[name=agent]"), "agent", [...new Set(lastCards.flatMap((card) => [card.agent, card.claimedBy?.split("@")[0]]).filter(Boolean))].sort());
    while (bar.nextSibling) bar.nextSibling.remove();
    root.append(board);
    if (lastProblems.length) root.append(el("div.problems", {}, `${lastProblems.length} file(s) the board cannot read: `, lastProblems.map((p) => `${p.path}:${p.line} ${p.reason}`).join("; ")));
  };
  draw();
}

async function drop(event, column) {
  event.preventDefault();
  event.currentTarget.classList.remove("over");
  let dragged;
  try {
    dragged = JSON.parse(event.dataTransfer.getData("text/plain"));
  } catch {
    return;
  }
  if (column === "claimed") return notice("beads are claimed by agents (`bead claim`), not by dragging");
  try {
    await post(`${beadUrl(dragged.id)}/status`, { version: dragged.version, status: column });
  } catch (error) {
    notice(error.status === 409 ? `Not saved: ${error.message}` : error.message);
  }
}

/** Lease countdowns tick without redrawing the board. */
setInterval(() => {
  for (const node of document.querySelectorAll("[data-until]")) node.textContent = countdown(node.dataset.until);
}, 1000);
