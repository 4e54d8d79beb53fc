import { chmodSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CommandRefusedError, isBeadboardError } from "../../src/errors.js";
import { checkRunAllowed, runAllowed, type RunPolicy } from "../../src/policy/run.js";

// Built at import time (not in beforeAll) because describe blocks below build policies eagerly.
const root = realpathSync(mkdtempSync(join(tmpdir(), "bb-run-")));
const board = join(root, "board");
const outside = join(root, "outside");
mkdirSync(join(board, "beads"), { recursive: true });
mkdirSync(outside);
writeFileSync(join(board, "beads", "a.md"), "---\ntitle: A\n---\n");
writeFileSync(join(outside, "secret.txt"), "do not read");
symlinkSync(outside, join(board, "escape"));
symlinkSync(join(outside, "secret.txt"), join(board, "secret-link"));
symlinkSync(join(outside, "not-yet"), join(board, "dangling"));
symlinkSync(join(board, "beads"), join(board, "beads-link"));

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Killed processes whose parent died may linger as zombies when PID 1 does not reap them. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

const policy = (allow: string[][], over: Partial<RunPolicy> = {}): RunPolicy => ({ allow, cwd: board, timeoutMs: 10_000, ...over });
const reasonOf = (argv: string[], p: RunPolicy): string => {
  const check = checkRunAllowed(argv, p);
  return check.allowed ? "ALLOWED" : check.reason;
};

describe("checkRunAllowed: the allow-list", () => {
  const p = policy([["npm", "test"], ["ls"], ["echo"], ["./scripts/check.sh"]]);

  it("allows an exact prefix and safe extra arguments", () => {
    expect(checkRunAllowed(["npm", "test"], p)).toEqual({ allowed: true });
    expect(checkRunAllowed(["npm", "test", "--", "--reporter=dot"], p)).toEqual({ allowed: true });
    expect(checkRunAllowed(["ls", "beads", "beads/a.md", "-la", "beads-link"], p)).toEqual({ allowed: true });
    expect(checkRunAllowed(["./scripts/check.sh"], p)).toEqual({ allowed: true });
  });

  it("refuses programs not on the list, and paths to listed programs", () => {
    expect(reasonOf(["rm", "-rf", "beads"], p)).toMatch(/program "rm" is not allowed/);
    expect(reasonOf(["/bin/ls"], p)).toMatch(/not allowed/);
    expect(reasonOf(["./ls"], p)).toMatch(/not allowed/);
    expect(reasonOf(["scripts/check.sh"], p)).toMatch(/not allowed/);
    expect(reasonOf(["LS"], p)).toMatch(/not allowed/);
  });

  it("refuses a listed program without an allowed prefix", () => {
    expect(reasonOf(["npm", "install", "left-pad"], p)).toMatch(/does not start with an allowed command/);
    expect(reasonOf(["npm"], p)).toMatch(/does not start with an allowed command/);
  });

  it("refuses empty and malformed argv", () => {
    expect(reasonOf([], p)).toMatch(/non-empty argv/);
    expect(reasonOf(["ls", "a\0b"], p)).toMatch(/NUL/);
  });
});

describe("checkRunAllowed: bypass attempts", () => {
  const p = policy([["ls"], ["npm", "test"]]);

  it.each([
    "a;rm -rf ~",
    ";id",
    "$(id)",
    "`id`",
    "a|b",
    "a&&b",
    "a&",
    ">out",
    "<in",
    "a\nb",
    "*",
    "beads/?.md",
    "~",
    "{a,b}",
    "!1",
    "a b",
    "'quoted'",
    '"quoted"',
    "back\\slash",
    "%PATH%",
    "#comment",
  ])("shell metacharacters: %j", (arg) => {
    expect(reasonOf(["ls", arg], p)).toMatch(/metacharacters/);
    expect(reasonOf(["npm", "test", "--", arg], p)).toMatch(/metacharacters/);
  });

  it.each(["..", "../outside", "beads/../../outside", "--dir=../x", "-C..", "x,../y"])("'..' segments: %j", (arg) => {
    expect(reasonOf(["ls", arg], p)).toMatch(/"\.\." path segment/);
  });

  it.each(["/etc/passwd", "--file=/etc/passwd", "-I/usr/include", "x://host//y", "https://exfil.example/", "C:/Windows", "--out=C:/x"])(
    "absolute paths: %j",
    (arg) => {
      expect(reasonOf(["ls", arg], p)).toMatch(/absolute path/);
    },
  );

  it("symlinks out of the board, direct, nested, behind =, and dangling", () => {
    expect(reasonOf(["ls", "escape"], p)).toMatch(/outside the board/);
    expect(reasonOf(["ls", "escape/secret.txt"], p)).toMatch(/outside the board/);
    expect(reasonOf(["ls", "escape/new-file"], p)).toMatch(/outside the board/);
    expect(reasonOf(["ls", "secret-link"], p)).toMatch(/outside the board/);
    expect(reasonOf(["ls", "--file=escape"], p)).toMatch(/outside the board/);
    expect(reasonOf(["ls", "dangling"], p)).toMatch(/symlink that cannot be resolved/);
  });

  it("symlinks inside the board and paths that do not exist yet are fine", () => {
    expect(checkRunAllowed(["ls", "beads-link"], p)).toEqual({ allowed: true });
    expect(checkRunAllowed(["ls", "beads/new.md", "--out=reports/x.txt"], p)).toEqual({ allowed: true });
  });

  it("trusts what the policy spells literally, and only that", () => {
    const literal = policy([["cat", "/etc/hostname"]]);
    expect(checkRunAllowed(["cat", "/etc/hostname"], literal)).toEqual({ allowed: true });
    expect(reasonOf(["cat", "/etc/hostname", "/etc/passwd"], literal)).toMatch(/absolute path/);
  });

  it("refuses a policy env that injects code, and a missing board", () => {
    expect(reasonOf(["ls"], policy([["ls"]], { env: { LD_PRELOAD: "/tmp/x.so" } }))).toMatch(/LD_PRELOAD/);
    expect(reasonOf(["ls"], policy([["ls"]], { env: { NODE_OPTIONS: "--require x" } }))).toMatch(/NODE_OPTIONS/);
    expect(reasonOf(["ls"], policy([["ls"]], { env: { GIT_SSH_COMMAND: "sh" } }))).toMatch(/GIT_SSH_COMMAND/);
    expect(reasonOf(["ls"], policy([["ls"]], { cwd: join(root, "missing") }))).toMatch(/does not exist/);
  });
});

describe("runAllowed", () => {
  it("throws CommandRefusedError (E_COMMAND_REFUSED) and starts nothing when refused", async () => {
    const error: unknown = await runAllowed({ command: ["ls", "../outside"] }, policy([["ls"]])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandRefusedError);
    expect(isBeadboardError(error) && error.code).toBe("E_COMMAND_REFUSED");
    expect((error as CommandRefusedError).reason).toMatch(/\.\./);
  });

  it("captures stdout of echo, in the board directory", async () => {
    const result = await runAllowed({ command: ["echo", "hello", "board"] }, policy([["echo"]]));
    expect(result).toMatchObject({ exitCode: 0, stdout: "hello board\n", stderr: "", timedOut: false, truncated: false });
    const pwd = await runAllowed({ command: ["pwd"] }, policy([["pwd"]]));
    expect(pwd.stdout.trim()).toBe(board);
  });

  it("captures stderr and a non-zero exit code of an allowed node -e", async () => {
    const script = "process.stderr.write('bad'); process.exit(3)";
    const result = await runAllowed({ command: ["node", "-e", script] }, policy([["node", "-e", script]]));
    expect(result).toMatchObject({ exitCode: 3, stderr: "bad", timedOut: false });
  });

  it("caps output and marks it truncated", async () => {
    const script = "process.stdout.write('x'.repeat(200000))";
    const result = await runAllowed({ command: ["node", "-e", script] }, policy([["node", "-e", script]], { maxOutputBytes: 1000 }));
    expect(result.truncated).toBe(true);
    expect(result.stdout.startsWith("x".repeat(1000))).toBe(true);
    expect(result.stdout).toMatch(/\[output truncated: 199000 more bytes not shown\]$/);
    const defaults = await runAllowed({ command: ["node", "-e", script] }, policy([["node", "-e", script]]));
    expect(defaults.stdout.indexOf("\n[output truncated")).toBe(64 * 1024);
  });

  it("gives the child only PATH and the policy's env", async () => {
    process.env.BB_TEST_LEAK = "leaked";
    try {
      const result = await runAllowed({ command: ["env"] }, policy([["env"]], { env: { LANG: "C" } }));
      const names = result.stdout.trim().split("\n").map((line) => line.split("=")[0]).sort();
      expect(names).toEqual(["LANG", "PATH"]);
    } finally {
      delete process.env.BB_TEST_LEAK;
    }
  });

  it("drops relative PATH entries, so a program planted in the board is not found", async () => {
    const planted = join(board, "planted");
    writeFileSync(planted, "#!/bin/sh\necho planted\n");
    chmodSync(planted, 0o755);
    const saved = process.env.PATH;
    process.env.PATH = `.:${saved ?? ""}`;
    try {
      const result = await runAllowed({ command: ["planted"] }, policy([["planted"]]));
      expect(result.stdout).not.toContain("planted");
      expect(result.exitCode).toBeNull();
      expect(result.stderr).toMatch(/could not start planted/);
    } finally {
      process.env.PATH = saved;
      rmSync(planted);
    }
  });

  it("kills the process on timeout", async () => {
    const result = await runAllowed({ command: ["sleep", "30"] }, policy([["sleep"]], { timeoutMs: 300 }));
    expect(result).toMatchObject({ timedOut: true, exitCode: null, signal: "SIGKILL" });
  });

  it("kills the whole process group on timeout, not just the direct child", async () => {
    const script = "const c=require('child_process').spawn('sleep',['30'],{stdio:'ignore'});console.log(c.pid);setInterval(()=>{},1000)";
    const result = await runAllowed({ command: ["node", "-e", script] }, policy([["node", "-e", script]], { timeoutMs: 1500 }));
    expect(result.timedOut).toBe(true);
    const grandchild = Number(result.stdout.trim());
    expect(grandchild).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(isRunning(grandchild)).toBe(false);
  });

  it("aborts on signal and rejects", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    await expect(runAllowed({ command: ["sleep", "30"] }, policy([["sleep"]]), controller.signal)).rejects.toMatchObject({ name: "AbortError" });
    await expect(runAllowed({ command: ["sleep", "1"] }, policy([["sleep"]]), AbortSignal.abort())).rejects.toMatchObject({ name: "AbortError" });
  });
});
