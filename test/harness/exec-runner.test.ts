import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { execEnv, expandArgv } from "../../src/harness/exec-env.js";
import { runExec, type ExecRunOptions } from "../../src/harness/exec-runner.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A workspace directory with one child script in it; the runner is given `node <script> …args`. */
function workspaceWith(script: string): { dir: string; options: (extra?: Partial<ExecRunOptions>) => ExecRunOptions } {
  const dir = mkdtempSync(join(tmpdir(), "bead-exec-test-"));
  dirs.push(dir);
  writeFileSync(join(dir, "harness.mjs"), script);
  return {
    dir,
    options: (extra = {}) => ({ command: [process.execPath, "harness.mjs"], prompt: "fix the bug", beadId: "a", workspace: dir, env: { PATH: process.env.PATH, HOME: "/home/person" }, timeoutMs: 30_000, ...extra }),
  };
}

describe("provider: exec placeholders and environment (pure)", () => {
  it("replaces {prompt}, {prompt_file} and {workspace} once, leaving placeholders inside the prompt alone", () => {
    expect(expandArgv(["aider", "--message", "{prompt}", "--file={prompt_file}", "{workspace}/x", "{other}"], { prompt: "say {workspace}", promptFile: "/t/p.md", workspace: "/w" })).toEqual([
      "aider",
      "--message",
      "say {workspace}",
      "--file=/t/p.md",
      "/w/x",
      "{other}",
    ]);
  });

  it("withholds the board's secrets and adds BEAD_ID, BEAD_WORKSPACE, BEAD_PROMPT_FILE", () => {
    const env = execEnv({
      env: { HOME: "/h", PATH: "/bin", BEAD_TOKEN: "t", OPENAI_API_KEY: "k", ollama_api_key: "k2", BEAD_WEBHOOK_SECRET: "w", GITEA_TOKEN: "g", KEEP: "1" },
      secretNames: ["GITEA_TOKEN"],
      beadId: "a",
      workspace: "/w",
      promptFile: "/t/p.md",
    });
    expect(env).toEqual({ HOME: "/h", PATH: "/bin", KEEP: "1", BEAD_ID: "a", BEAD_WORKSPACE: "/w", BEAD_PROMPT_FILE: "/t/p.md" });
  });
});

describe("provider: exec runner (real child processes)", () => {
  it("runs in the workspace without a shell, prompt on stdin and in the file; exit 0 is done with stdout as the result", async () => {
    const ws = workspaceWith(`
      import { readFileSync, writeFileSync } from "node:fs";
      let stdin = ""; process.stdin.on("data", (c) => (stdin += c));
      process.stdin.on("end", () => {
        writeFileSync("edited.txt", JSON.stringify({ stdin, argv: process.argv.slice(2), file: readFileSync(process.env.BEAD_PROMPT_FILE, "utf8"),
          cwd: process.cwd(), id: process.env.BEAD_ID, ws: process.env.BEAD_WORKSPACE, token: process.env.BEAD_TOKEN ?? null, key: process.env.OPENAI_API_KEY ?? null, home: process.env.HOME }));
        console.log("changed edited.txt");
      });`);
    const outcome = await runExec(ws.options({ command: [process.execPath, "harness.mjs", "{prompt}; $(touch pwned)", "{workspace}"], env: { PATH: process.env.PATH, HOME: "/home/person", BEAD_TOKEN: "secret", OPENAI_API_KEY: "sk" } }));
    expect(outcome).toMatchObject({ status: "done", ended: "exit", exitCode: 0, result: "changed edited.txt\n", resultTruncated: false });
    const seen = JSON.parse(readFileSync(join(ws.dir, "edited.txt"), "utf8")) as Record<string, unknown>;
    expect(seen).toMatchObject({ stdin: "fix the bug", argv: ["fix the bug; $(touch pwned)", ws.dir], file: "fix the bug", id: "a", ws: ws.dir, token: null, key: null, home: "/home/person" });
    expect(() => readFileSync(join(ws.dir, "pwned"))).toThrow();
  });

  it("a non-zero exit is failed, with stderr's tail", async () => {
    const ws = workspaceWith(`console.error("cannot apply the edit"); process.exit(1);`);
    const outcome = await runExec(ws.options());
    expect(outcome).toMatchObject({ status: "failed", ended: "exit", exitCode: 1 });
    expect(outcome.stderrTail).toContain("cannot apply the edit");
  });

  it("caps a flood of stdout and still waits for the exit", async () => {
    const ws = workspaceWith(`const line = "x".repeat(1023) + "\\n"; for (let i = 0; i < 2048; i++) process.stdout.write(line); process.stdout.write("END");`);
    const outcome = await runExec(ws.options({ maxResultBytes: 1000 }));
    expect(outcome).toMatchObject({ status: "done", resultTruncated: true });
    expect(outcome.result.length).toBe(1000);
  });

  it("the timeout ends a hanging harness and it counts as failed", async () => {
    const ws = workspaceWith(`setInterval(() => {}, 1000);`);
    const outcome = await runExec(ws.options({ timeoutMs: 100 }));
    expect(outcome).toMatchObject({ status: "failed", ended: "timeout", exitSignal: "SIGTERM" });
  });

  it("the AbortSignal ends the process group, with SIGKILL when SIGTERM is ignored", async () => {
    const ws = workspaceWith(`
      import { spawn } from "node:child_process";
      process.on("SIGTERM", () => {});
      const grandchild = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
      console.log("ready " + grandchild.pid);
      setInterval(() => {}, 1000);`);
    const controller = new AbortController();
    let grandchildPid = 0;
    const outcome = await runExec(
      ws.options({
        signal: controller.signal,
        killGraceMs: 50,
        onOutput: (chunk) => {
          const match = /ready (\d+)/.exec(chunk);
          if (match) {
            grandchildPid = Number(match[1]);
            controller.abort();
          }
        },
      }),
    );
    expect(outcome).toMatchObject({ status: "failed", ended: "aborted", exitSignal: "SIGKILL" });
    expect(grandchildPid).toBeGreaterThan(0);
    // The grandchild was in the group: SIGKILL reached it too (it may linger only as a zombie of init).
    const state = () => {
      try {
        return readFileSync(`/proc/${grandchildPid}/stat`, "utf8").split(" ")[2];
      } catch {
        return "gone";
      }
    };
    // SIGKILL was sent; give the kernel a bounded number of turns to carry it out (no timer).
    for (let turn = 0; turn < 1000 && !["gone", "Z", "X"].includes(state() ?? ""); turn++) await new Promise(setImmediate);
    expect(["gone", "Z", "X"]).toContain(state());
  });

  it("a program that does not exist fails clearly", async () => {
    const ws = workspaceWith("");
    const outcome = await runExec(ws.options({ command: ["/nonexistent/harness-xyz"] }));
    expect(outcome).toMatchObject({ status: "failed", ended: "spawn-error" });
    expect(outcome.stderrTail).toContain("ENOENT");
  });
});
