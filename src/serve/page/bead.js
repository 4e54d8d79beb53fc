import { beadUrl, get, post } from "./api.js";
import { clear, el, html, notice } from "./dom.js";

const STATUSES = ["open", "done", "failed", "blocked", "cancelled"];

/** Edits on the page wait for Save; a live update does not redraw over them. */
export let editing = false;

async function act(path, body, after) {
  try {
    await post(path, body);
    editing = false;
    after();
  } catch (error) {
    notice(error.status === 409 ? `Conflict, not saved: ${error.message}` : `Not saved: ${error.message}`);
  }
}

function beadLink(dep) {
  return el("li", {}, el("a", { href: `#/bead/${encodeURIComponent(dep.id)}` }, dep.id), ` ${dep.title ?? ""} `, el(`span.status.s-${dep.status}`, {}, dep.status));
}

function fieldsForm(bead, reload) {
  const f = bead.fields;
  const title = el("input", { name: "title", value: f.title, oninput: () => (editing = true) });
  const priority = el("select", { name: "priority", onchange: () => (editing = true) }, [0, 1, 2, 3, 4].map((p) => el("option", { value: String(p), selected: f.priority === p }, `P${p}`)));
  const labels = el("input", { name: "labels", value: f.labels.join(", "), placeholder: "a, b", oninput: () => (editing = true) });
  const agent = el("input", { name: "agent", value: f.agent ?? "", oninput: () => (editing = true) });
  const save = () => {
    const fields = {};
    if (title.value !== f.title) fields.title = title.value;
    if (Number(priority.value) !== f.priority) fields.priority = Number(priority.value);
    const newLabels = labels.value.split(",").map((l) => l.trim()).filter(Boolean);
    if (newLabels.join(",") !== f.labels.join(",")) fields.labels = newLabels;
    if (agent.value.trim() !== (f.agent ?? "")) fields.agent = agent.value.trim() || null;
    act(`${beadUrl(bead.id)}/fields`, { version: bead.version, fields }, reload);
  };
  const status = el("select", { name: "status", title: "change status",
    onchange: (event) => act(`${beadUrl(bead.id)}/status`, { version: bead.version, status: event.target.value }, reload) },
    (STATUSES.includes(f.status) ? STATUSES : [f.status, ...STATUSES]).map((s) => el("option", { value: s, selected: f.status === s }, s)));
  return el("form.fields", { onsubmit: (event) => (event.preventDefault(), save()) },
    el("label", {}, "Title", title), el("label", {}, "Status", status), el("label", {}, "Priority", priority),
    el("label", {}, "Labels", labels), el("label", {}, "Agent", agent), el("button", { type: "submit", name: "save-fields" }, "Save fields"));
}

function frontMatter(fields) {
  const rows = Object.entries(fields).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0));
  return el("table.frontmatter", {}, rows.map(([key, value]) => el("tr", {}, el("th", {}, key), el("td", {}, typeof value === "object" ? JSON.stringify(value) : String(value)))));
}

function bodySection(bead, reload) {
  const box = el("section.body");
  const show = () => {
    clear(box).append(el("h3", {}, "Body ", el("button", { type: "button", name: "edit-body", onclick: edit }, "Edit")), bead.bodyHtml ? el("div.markdown", {}, html(bead.bodyHtml)) : el("p.none", {}, "no body yet"));
  };
  const edit = () => {
    editing = true;
    const area = el("textarea", { name: "body", rows: 14, value: bead.body });
    clear(box).append(el("h3", {}, "Body"), area,
      el("div.row", {}, el("button", { type: "button", name: "save-body", onclick: () => act(`${beadUrl(bead.id)}/body`, { version: bead.version, body: area.value }, reload) }, "Save body"),
        el("button", { type: "button", onclick: () => ((editing = false), show()) }, "Cancel")));
  };
  show();
  return box;
}

function escalationBox(bead, reload) {
  if (bead.fields.escalation !== "requested") return null;
  const decide = (decision) => act(`${beadUrl(bead.id)}/escalation`, { version: bead.version, decision }, reload);
  return el("section.escalation", {}, el("strong", {}, "⚑ Escalation requested: "), "may a remote model work this bead? ",
    el("button", { type: "button", name: "approve", onclick: () => decide("approved") }, "Approve"),
    el("button", { type: "button", name: "deny", onclick: () => decide("denied") }, "Deny"));
}

function depsSection(bead, reload) {
  const input = el("input", { name: "blocker", placeholder: "bead id", size: 14, oninput: () => (editing = true) });
  return el("section.deps", {},
    el("h3", {}, "Waits on"), bead.deps.length ? el("ul", {}, bead.deps.map(beadLink)) : el("p.none", {}, "nothing"),
    el("form.row", { onsubmit: (event) => (event.preventDefault(), act(`${beadUrl(bead.id)}/deps`, { version: bead.version, blocker: input.value.trim() }, reload)) },
      input, el("button", { type: "submit", name: "add-dep" }, "Add dependency")),
    el("h3", {}, "Needed by"), bead.dependents.length ? el("ul", {}, bead.dependents.map(beadLink)) : el("p.none", {}, "nothing"));
}

function mergeButton(bead, reload) {
  const branch = bead.branch;
  if (bead.fields.status !== "done" || branch.files.length === 0) return el("p.small", {}, bead.fields.status === "done" ? "Nothing to merge." : "The branch can be merged once the bead is done.");
  const merge = async () => {
    try {
      const answer = await post(`${beadUrl(bead.id)}/merge`, { head: branch.head });
      for (const warning of answer.warnings ?? []) notice(warning);
      reload();
    } catch (error) {
      notice(`Not merged: ${error.message}`);
    }
  };
  return el("div.row", {}, el("button", { type: "button", name: "merge", onclick: merge }, `Merge ${branch.name} into the board's branch`));
}

function branchSection(bead, reload) {
  const branch = bead.branch;
  const line = (text) => el(`span.dl${text[0] === "+" ? ".add" : text[0] === "-" ? ".del" : text[0] === "…" ? ".skip" : ""}`, {}, text, "\n");
  return el("section.branch", {}, el("h3", {}, "Branch ", el("code", {}, branch.name), el("code.small", {}, branch.head.slice(0, 10))),
    branch.files.length === 0 ? el("p.none", {}, "no changes against the board's branch") : branch.files.map((file) =>
      el("details", { open: branch.files.length <= 3 }, el("summary", {}, `${file.change} ${file.path}`),
        file.lines === null ? el("p.none", {}, "binary or too large to show") : el("pre.diff", {}, file.lines.map(line)))),
    branch.truncated ? el("p.none", {}, "(more changes than the page shows: see `git diff` on the branch)") : null,
    mergeButton(bead, reload));
}

/** Requests for a bead's page so far, and the one whose answer the page shows. */
let asks = 0;
let drawnAsk = 0;

/** The bead's page: fields, body, deps, result, history, transcript, branch. */
export async function renderBead(root, id, force = false) {
  const reload = () => renderBead(root, id);
  const asked = ++asks;
  let bead;
  try {
    bead = await get(beadUrl(id));
  } catch (error) {
    clear(root).append(el("p.error", {}, error.message), el("a", { href: "#/" }, "back to the board"));
    return;
  }
  // An answer to an earlier request that arrives after a later one was drawn is older than what
  // the page shows: drawing it would bring back a stale version, and the next save would be
  // refused as a conflict (seen under load: a live update asked before an approval, answered after).
  if (asked < drawnAsk) return;
  // A live update whose answer arrives after the person started typing must not wipe their edit.
  if (editing && !force) return;
  drawnAsk = asked;
  editing = false;
  clear(root).append(el("div.bead", {},
    el("p", {}, el("a", { href: "#/" }, "← board")),
    el("h2", {}, el("span.id", {}, bead.id), " ", bead.fields.title, " ", el(`span.status.s-${bead.column}`, {}, bead.column)),
    escalationBox(bead, reload),
    el("div.grid", {},
      el("div", {}, fieldsForm(bead, reload), bodySection(bead, reload),
        bead.resultHtml ? el("section.result", {}, el("h3", {}, "Result"), el("div.markdown", {}, html(bead.resultHtml))) : null,
        bead.transcript ? el("section.transcript", {}, el("h3", {}, "Transcript"), bead.transcript.map((file) => el("details", {}, el("summary", {}, file.file), el("pre", {}, file.text)))) : null),
      el("div", {}, depsSection(bead, reload),
        bead.branch ? branchSection(bead, reload) : null,
        el("section", {}, el("h3", {}, "Front-matter"), frontMatter(bead.fields)),
        el("section.history", {}, el("h3", {}, "History"), el("ol", {}, bead.history.map((c) => el("li", {}, el("code", {}, c.oid.slice(0, 8)), ` ${c.date.slice(0, 16).replace("T", " ")} ${c.author}: ${c.message.split("\n")[0]}`))))))));
}
