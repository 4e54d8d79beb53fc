// Every element is built here with textContent: bead text never becomes markup. The one
// exception is html() below, for the markdown the server rendered from its own syntax tree.

/** el("div.card", {onclick}, child, "text", …) */
export function el(spec, props = {}, ...children) {
  const [tag, ...classes] = spec.split(".");
  const node = document.createElement(tag || "div");
  if (classes.length) node.className = classes.join(" ");
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key in node && key !== "list") node[key] = value;
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Markup the server made from the markdown tree (src/serve/markdown.ts): only its fixed tags, all text escaped. */
export function html(markup) {
  const template = document.createElement("template");
  template.innerHTML = markup;
  return template.content;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

export function notice(text, kind = "error") {
  const box = document.getElementById("notice");
  box.className = `notice ${kind}`;
  clear(box).append(el("span", {}, text), el("button.close", { type: "button", onclick: () => (box.hidden = true) }, "×"));
  box.hidden = false;
}

export function countdown(until, now = Date.now()) {
  const ms = Date.parse(until) - now;
  if (Number.isNaN(ms)) return "lease ?";
  if (ms <= 0) return "lease expired";
  const s = Math.floor(ms / 1000);
  return s >= 3600 ? `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m left` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s left`;
}
