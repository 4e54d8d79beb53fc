// BENCHMARK STUB of an Ollama server, for bench/agent.js only: answers at once, always with the
// same valid structured reply, so that what the agent bench measures is the agent's own work and
// not a model. Listens on 127.0.0.1 only. Not a test double (that is test/helpers/ollama-double.ts)
// and never part of the product.
//
//   const stub = await startModelStub();   // stub.url = http://127.0.0.1:<port>
//   ... stub.chats, stub.serverMs ...
//   await stub.close();
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";

export const STUB_MODEL = "stub:1b";
/** The one reply every chat gets: a valid reply for src/agent/reply.ts, nothing to remember, no follow-ups. */
export const STUB_REPLY = JSON.stringify({ result: "ok", outcome: "done", memory: [], followups: [] });

const CREATED_AT = "2025-01-01T00:00:00Z";
const DETAILS = { parent_model: "", format: "gguf", family: "stub", families: ["stub"], parameter_size: "1B", quantization_level: "Q4_K_M" };
const TAG = { name: STUB_MODEL, model: STUB_MODEL, modified_at: CREATED_AT, size: 1_000_000, digest: "0".repeat(64), details: DETAILS };

function json(res, status, body) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/**
 * Start the stub. Counts what it serves: `chats` (POST /api/chat), `requests` (all), and
 * `serverMs` (time spent answering chats inside the stub, from the last body byte to the end of
 * the response), so a bench can tell model time from agent time.
 */
export async function startModelStub({ port = 0 } = {}) {
  const stats = { chats: 0, requests: 0, serverMs: 0 };
  const sockets = new Set();
  const server = createServer((req, res) => {
    const parts = [];
    req.on("data", (part) => parts.push(part));
    req.on("end", () => {
      const t0 = performance.now();
      stats.requests++;
      const path = (req.url ?? "/").split("?")[0];
      const key = `${req.method} ${path}`;
      if (key === "GET /api/version") return json(res, 200, { version: "0.12.0" });
      if (key === "GET /api/tags") return json(res, 200, { models: [TAG] });
      if (key === "GET /api/ps") return json(res, 200, { models: [] });
      if (key === "POST /api/show") {
        return json(res, 200, {
          license: "",
          modelfile: `FROM ${STUB_MODEL}`,
          parameters: "",
          template: "{{ .Prompt }}",
          modified_at: CREATED_AT,
          details: DETAILS,
          model_info: { "general.architecture": "stub", "stub.context_length": 32768 },
          capabilities: ["completion"],
        });
      }
      if (key === "POST /api/chat") {
        stats.chats++;
        let body = {};
        try {
          body = JSON.parse(Buffer.concat(parts).toString("utf8"));
        } catch {
          // an unparseable request still gets the stub reply
        }
        const model = typeof body.model === "string" ? body.model : STUB_MODEL;
        const promptTokens = Math.ceil(JSON.stringify(body.messages ?? []).length / 4);
        const message = (content) => ({ model, created_at: CREATED_AT, message: { role: "assistant", content } });
        const final = {
          ...message(""),
          done: true,
          done_reason: "stop",
          total_duration: 1_000_000,
          load_duration: 0,
          prompt_eval_count: promptTokens,
          prompt_eval_duration: 100_000,
          eval_count: Math.ceil(STUB_REPLY.length / 4),
          eval_duration: 100_000,
        };
        if (body.stream === false) {
          json(res, 200, { ...final, message: { role: "assistant", content: STUB_REPLY } });
        } else {
          res.writeHead(200, { "content-type": "application/x-ndjson" });
          res.end(`${JSON.stringify({ ...message(STUB_REPLY), done: false })}\n${JSON.stringify(final)}\n`);
        }
        stats.serverMs += performance.now() - t0;
        return undefined;
      }
      res.writeHead(404, { "content-type": "text/plain" }).end("404 page not found");
      return undefined;
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    stats,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

// `node bench/model-stub.js [port]`: run the stub on its own (for trying `bead up` by hand).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const stub = await startModelStub({ port: Number(process.argv[2]) || 0 });
  process.stdout.write(`benchmark model stub (not a model) on ${stub.url}, model ${STUB_MODEL}\n`);
}
