/**
 * A lock whose holder is dead (kill -9) is taken over at once, by pid and start time, not after
 * the staleness timeout; a live holder is named.
 */
import { afterEach, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { withBoardLock } from "../../src/git/board-lock.js";
import { currentHolder, removeIfHolderDead } from "../../src/os/lock-holder.js";
import { describeHolder, holderState, startTicksOf, thisProcess } from "../../src/os/process-identity.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "bead-holder-"));
  dirs.push(dir);
  return dir;
}

/** The pid of a process that has already exited. */
function deadPid(): number {
  const run = spawnSync(process.execPath, ["-e", ""]);
  return run.pid!;
}

function fakeLock(dir: string, holder: Record<string, unknown>): string {
  const lockDir = join(dir, "board.lock");
  mkdirSync(lockDir);
  writeFileSync(`${lockDir}.holder`, JSON.stringify({ host: hostname(), ...holder, lockIno: statSync(lockDir).ino }));
  return lockDir;
}

describe("dead lock holders", () => {
  it("the board lock of a killed process is taken over at once, though it is not stale yet", async () => {
    const dir = stateDir();
    fakeLock(dir, { pid: deadPid() });
    // Without the holder check this waits for the 10-minute staleness and then times out.
    await expect(withBoardLock(dir, async () => "took it", { staleMs: 600_000, timeoutMs: 1_000 })).resolves.toBe("took it");
  });

  it("a reused pid (same pid, later start time) is a dead holder", () => {
    const dir = stateDir();
    const me = thisProcess();
    const lockDir = fakeLock(dir, { ...me, startTicks: me.startTicks === undefined ? undefined : "1" });
    if (me.startTicks === undefined) return; // no /proc here: the pid alone decides
    expect(holderState(currentHolder(lockDir)!)).toBe("dead");
    expect(removeIfHolderDead(lockDir)).toBe(true);
  });

  it("a live holder is kept and described (pid, start time, command)", async () => {
    const dir = stateDir();
    const lockDir = fakeLock(dir, { ...thisProcess() });
    expect(holderState(currentHolder(lockDir)!)).toBe("alive");
    expect(removeIfHolderDead(lockDir)).toBe(false);
    expect(describeHolder(currentHolder(lockDir)!)).toMatch(new RegExp(`^pid ${process.pid} on ${hostname()}, started \\d{4}-.*: `));
    await expect(withBoardLock(dir, async () => "no", { staleMs: 600_000, timeoutMs: 100 })).rejects.toThrow(/board\.lock/);
  });

  it("a holder file about an earlier lock directory is not trusted", () => {
    const dir = stateDir();
    const lockDir = join(dir, "board.lock");
    mkdirSync(lockDir);
    writeFileSync(`${lockDir}.holder`, JSON.stringify({ pid: deadPid(), host: hostname(), lockIno: statSync(lockDir).ino + 1 }));
    expect(currentHolder(lockDir)).toBeUndefined();
    expect(removeIfHolderDead(lockDir)).toBe(false);
  });

  it("reads the start time after the command name, even one with spaces and parentheses", () => {
    if (startTicksOf(process.pid) === undefined) return;
    expect(startTicksOf(process.pid)).toMatch(/^\d+$/);
  });
});
