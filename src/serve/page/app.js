import { get, post, session } from "./api.js";
import { renderAgents, renderNumbers } from "./agents.js";
import { editing, renderBead } from "./bead.js";
import { renderBoard } from "./board.js";
import { clear, el, notice } from "./dom.js";

const main = document.getElementById("main");
const live = document.getElementById("live");

function route() {
  const hash = location.hash.replace(/^#/, "") || "/";
  const bead = /^\/bead\/(.+)$/.exec(hash);
  if (bead) return { view: "bead", id: decodeURIComponent(bead[1]) };
  if (hash === "/agents") return { view: "agents" };
  if (hash === "/numbers") return { view: "numbers" };
  return { view: "board" };
}

let drawing = Promise.resolve();
/** The hash last drawn: a different one is a navigation, not a live update. */
let drawnRoute = null;
/** One redraw at a time; a live event during one asks for one more after it. */
let again = false;

async function draw() {
  const current = route();
  for (const link of document.querySelectorAll("nav a")) link.classList.toggle("active", link.dataset.view === current.view);
  try {
    if (current.view === "board") renderBoard(main, await get("/api/board"));
    else if (current.view === "agents") await renderAgents(main);
    else if (current.view === "numbers") await renderNumbers(main);
    else {
      // Opening a bead draws it; a live update redraws it only while nothing is being edited.
      const opened = drawnRoute !== location.hash;
      if (opened || !editing) await renderBead(main, current.id, opened);
    }
    drawnRoute = location.hash;
    document.body.dataset.drawn = String(Number(document.body.dataset.drawn ?? 0) + 1);
  } catch (error) {
    notice(error.message);
  }
}

function redraw() {
  if (again) return drawing;
  again = true;
  drawing = drawing.then(() => {
    again = false;
    return draw();
  });
  return drawing;
}

function newBeadDialog() {
  const dialog = document.getElementById("dialog");
  const title = el("input", { name: "title", required: true, placeholder: "what needs doing" });
  const priority = el("select", { name: "priority" }, [0, 1, 2, 3, 4].map((p) => el("option", { value: String(p), selected: p === 2 }, `P${p}`)));
  const labels = el("input", { name: "labels", placeholder: "a, b" });
  const agent = el("input", { name: "agent", placeholder: "(any)" });
  const body = el("textarea", { name: "body", rows: 6, placeholder: "markdown" });
  const submit = async (event) => {
    event.preventDefault();
    try {
      const { id } = await post("/api/beads", {
        title: title.value, priority: Number(priority.value), body: body.value, agent: agent.value.trim() || undefined,
        labels: labels.value.split(",").map((l) => l.trim()).filter(Boolean),
      });
      dialog.close();
      notice(`created ${id}`, "ok");
    } catch (error) {
      notice(`Not created: ${error.message}`);
    }
  };
  clear(dialog).append(el("form.newbead", { onsubmit: submit }, el("h2", {}, "New bead"),
    el("label", {}, "Title", title), el("label", {}, "Priority", priority), el("label", {}, "Labels", labels), el("label", {}, "Agent", agent), el("label", {}, "Body", body),
    el("div.row", {}, el("button", { type: "submit", name: "create" }, "Create"), el("button", { type: "button", onclick: () => dialog.close() }, "Cancel"))));
  dialog.showModal();
  title.focus();
}

function listen() {
  const events = new EventSource("/api/events");
  events.addEventListener("hello", () => {
    live.textContent = "live";
    live.className = "live on";
  });
  events.addEventListener("board", () => redraw());
  events.onerror = () => {
    live.textContent = "reconnecting…";
    live.className = "live off";
  };
}

document.getElementById("new-bead").addEventListener("click", newBeadDialog);
window.addEventListener("hashchange", () => redraw());
await session();
listen();
await redraw();
