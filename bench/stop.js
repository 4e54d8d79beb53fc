// SIGTERM to a watching `bead up` holding 4 beads on a model server that never finishes a stream
// (a BENCHMARK STUB, below, on 127.0.0.1): time from the signal to exit, exit code, and whether
// every bead is back to open at HEAD. Run after `npm run build`:  node bench/stop.js [runs]
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const BEAD_BIN = join(dirname(fileURLToPath(import.meta.url)), "..", "bin", "bead.js");
const runs = Number(process.argv[2] ?? 5);

function stallingStub() {
  const sockets = new Set();
  let inFlight = 0;
  const server = createServer((req, res) => {
    const key = `${req.method} ${(req.url ?? "/").split("?")[0]}`;
    req.resume();
    if (key === "POST /api/chat") {
      inFlight++;
      res.on("close", () => inFlight--);
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      res.write(`${JSON.stringify({ model: "stub:1b", created_at: new Date().toISOString(), message: { role: "assistant", content: "{" }, done: false })}\n`);
      return; // and never finish
    }
    if (key === "GET /api/version") return res.writeHead(200).end('{"version":"0.12.0"}');
    res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
  });
  server.on("connection", (socket) => (sockets.add(socket), socket.on("close", () => sockets.delete(socket))));
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ url: `http://127.0.0.1:${server.address().port}`, inFlight: () => inFlight, close: () => (sockets.forEach((s) => s.destroy()), new Promise((r) => server.close(r))) }),
    ),
  );
}

const git = (dir, args) => execFileSync("git", args, { cwd: dir, encoding: "utf8" });
const env = { ...process.env, BEAD_HOST: "bench", BEAD_ACTOR: "Bench <bench@beadboard.test>", BEAD_SERVER_CONCURRENCY: "4", GIT_AUTHOR_NAME: "b", GIT_AUTHOR_EMAIL: "b@b", GIT_COMMITTER_NAME: "b", GIT_COMMITTER_EMAIL: "b@b" };

async function once(stub) {
  const dir = mkdtempSync(join(tmpdir(), "bead-stop-"));
  mkdirSync(join(dir, "agents"));
  mkdirSync(join(dir, "beads"));
  writeFileSync(join(dir, "agents", "coder.md"), `---\nname: coder\nprovider: ollama\nmodel: stub:1b\nhost: ${stub.url}\nconcurrency: 4\ntimeout: 10m\ntakes: { labels: [code] }\n---\nCode.\n`);
  const ids = [1, 2, 3, 4].map((n) => `bb-${n}`);
  for (const id of ids) writeFileSync(join(dir, "beads", `${id}.md`), `---\ntitle: ${id}\nlabels: [code]\n---\nSlow.\n`);
  git(dir, ["init", "-q", "-b", "main"]);
  git(dir, ["add", "-A"]);
  git(dir, ["-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "seed"]);
  const child = spawn(process.execPath, [BEAD_BIN, "up", "-C", dir], { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.on("exit", (code) => resolve({ code, at: performance.now() })));
  const deadline = Date.now() + 60_000;
  while (stub.inFlight() < 4) {
    if (Date.now() > deadline) throw new Error(`4 model calls never started: ${stderr.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const held = ids.filter((id) => /^status: claimed$/m.test(git(dir, ["show", `HEAD:beads/${id}.md`]))).length;
  const sent = performance.now();
  child.kill("SIGTERM");
  const exit = await exited;
  const open = ids.filter((id) => !/^status: claimed$/m.test(git(dir, ["show", `HEAD:beads/${id}.md`]))).length;
  rmSync(dir, { recursive: true, force: true });
  return { held, ms: Math.round(exit.at - sent), code: exit.code, released: open };
}

const stub = await stallingStub();
const results = [];
for (let i = 0; i < runs; i++) results.push(await once(stub));
await stub.close();
const ms = results.map((r) => r.ms).sort((a, b) => a - b);
console.log(JSON.stringify({ runs, results, median_ms: ms[Math.floor(ms.length / 2)], max_ms: ms.at(-1) }, null, 1));
