// A scripted stand-in for codemonkey's model, for `npm run demo` on a machine without Ollama.
// It speaks the Ollama chat protocol on 127.0.0.1 and plays one fixed script for the example
// bead bb-ca1c (list, read, run the failing tests, edit, run them again, finish), so the demo
// shows bead → worktree → branch → `bead diff` → `bead merge` with the real harness, tools and
// git. It is not a model: it never reads what the tools return. Any other bead gets "model not
// found", so the worker hands it back untouched. Used by scripts/demo.js and
// test/harness/act-example.test.ts; never part of the product.
import { createServer } from "node:http";

export const SCRIPTED_BEAD = "bb-ca1c";
const MODEL = "qwen3:8b";
const TESTS = ["node", "--test", "calc/"];

/** The call for the next step: the script's position is the number of tool results so far. */
export const SCRIPT = [
  { name: "list_files", arguments: { path: "calc" } },
  { name: "read_file", arguments: { path: "calc/stats.mjs" } },
  { name: "run", arguments: { command: TESTS } },
  { name: "edit_file", arguments: { path: "calc/stats.mjs", old_text: "/ (values.length - 1)", new_text: "/ values.length" } },
  { name: "run", arguments: { command: TESTS } },
  {
    name: "finish",
    arguments: {
      result: "`mean` divided by one less than the number of values. It now divides by `values.length`; `node --test calc/` passes (3 tests).",
      outcome: "done",
      memory: [{ note: "calc/ tests run with `node --test calc/`", shared: true }],
    },
  },
];

export async function startScriptedModel() {
  const server = createServer((req, res) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => {
      if (text.length < 4 * 1024 * 1024) text += chunk;
    });
    req.on("end", () => answer(req.method ?? "GET", (req.url ?? "/").split("?")[0], text, res));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function answer(method, path, text, res) {
  const json = (status, body) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  if (method === "GET" && path === "/api/version") return json(200, { version: "0.12.0" });
  if (method === "GET" && path === "/api/tags") return json(200, { models: [{ name: MODEL, model: MODEL, size: 0, digest: "0".repeat(64), details: {} }] });
  if (method === "POST" && path === "/api/show") return json(200, { model_info: { "qwen3.context_length": 40960 }, details: {}, capabilities: ["completion", "tools"] });
  if (method !== "POST" || path !== "/api/chat") return json(404, { error: "not found" });
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return json(400, { error: "invalid JSON" });
  }
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const aboutScriptedBead = messages.some((m) => typeof m.content === "string" && m.content.includes(`# Bead ${SCRIPTED_BEAD}:`));
  if (!aboutScriptedBead || !Array.isArray(body.tools)) return json(404, { error: `model "${MODEL}" not found (the demo's scripted stand-in plays only ${SCRIPTED_BEAD})` });
  const step = SCRIPT[Math.min(messages.filter((m) => m.role === "tool").length, SCRIPT.length - 1)];
  const at = new Date().toISOString();
  res.writeHead(200, { "content-type": "application/x-ndjson" });
  res.write(`${JSON.stringify({ model: MODEL, created_at: at, message: { role: "assistant", content: "", tool_calls: [{ function: step }] }, done: false })}\n`);
  res.end(`${JSON.stringify({ model: MODEL, created_at: at, message: { role: "assistant", content: "" }, done: true, done_reason: "stop", prompt_eval_count: 0, eval_count: 0 })}\n`);
}
