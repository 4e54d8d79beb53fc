import type { Nodes, Root } from "mdast";
import remarkParse from "remark-parse";
import { unified } from "unified";

/**
 * Bead text is untrusted: the HTML here is generated from the markdown's syntax tree, element by
 * element from a fixed list, every text escaped. Raw HTML in the markdown is shown as text, and
 * a link or image keeps its URL only when it is http(s), mailto or relative (no javascript:,
 * data: or vbscript:). Images become links: the page's policy loads nothing from elsewhere.
 */
const parser = unified().use(remarkParse);

/** At most this much markdown is rendered; the rest is cut off with a note. */
const MAX_MARKDOWN = 200_000;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function safeUrl(url: string): string | undefined {
  const trimmed = url.trim();
  if (/^(https?:|mailto:)/i.test(trimmed)) return trimmed;
  // Relative: no scheme at all (a colon before any slash, ? or # would be one).
  if (!/^[^/?#]*:/.test(trimmed) && !/[\u0000-\u001f]/.test(trimmed)) return trimmed;
  return undefined;
}

export function renderMarkdown(markdown: string): string {
  const cut = markdown.length > MAX_MARKDOWN;
  const tree = parser.parse(cut ? markdown.slice(0, MAX_MARKDOWN) : markdown) as Root;
  return render(tree) + (cut ? "<p><em>(cut off: the text is longer than the page shows)</em></p>" : "");
}

function children(node: { children: Nodes[] }): string {
  return node.children.map(render).join("");
}

function render(node: Nodes): string {
  switch (node.type) {
    case "root":
      return children(node);
    case "paragraph":
      return `<p>${children(node)}</p>`;
    case "heading":
      return `<h${node.depth}>${children(node)}</h${node.depth}>`;
    case "text":
      return escapeHtml(node.value);
    case "emphasis":
      return `<em>${children(node)}</em>`;
    case "strong":
      return `<strong>${children(node)}</strong>`;
    case "delete":
      return `<del>${children(node)}</del>`;
    case "inlineCode":
      return `<code>${escapeHtml(node.value)}</code>`;
    case "code":
      return `<pre><code>${escapeHtml(node.value)}</code></pre>`;
    case "blockquote":
      return `<blockquote>${children(node)}</blockquote>`;
    case "list": {
      const tag = node.ordered ? "ol" : "ul";
      return `<${tag}>${children(node)}</${tag}>`;
    }
    case "listItem": {
      const box = node.checked === true ? "☑ " : node.checked === false ? "☐ " : "";
      return `<li>${box}${children(node)}</li>`;
    }
    case "thematicBreak":
      return "<hr>";
    case "break":
      return "<br>";
    case "link": {
      const href = safeUrl(node.url);
      const inner = children(node);
      return href === undefined ? inner : `<a href="${escapeHtml(href)}" rel="noopener noreferrer nofollow" target="_blank">${inner}</a>`;
    }
    case "image": {
      const href = safeUrl(node.url);
      const label = escapeHtml(node.alt || node.url);
      return href === undefined ? `[${label}]` : `<a href="${escapeHtml(href)}" rel="noopener noreferrer nofollow" target="_blank">[image: ${label}]</a>`;
    }
    case "html":
      return `<code>${escapeHtml(node.value)}</code>`;
    case "table":
      return `<table>${node.children.map((row) => `<tr>${row.children.map((cell) => `<td>${children(cell)}</td>`).join("")}</tr>`).join("")}</table>`;
    default:
      // Anything else (definitions, footnotes, references) shows its text only.
      return "children" in node ? children(node as { children: Nodes[] }) : "value" in node ? escapeHtml(String((node as { value: unknown }).value)) : "";
  }
}
