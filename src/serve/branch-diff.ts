import * as fs from "node:fs";
import git from "isomorphic-git";
import { diffComm } from "node-diff3";
import type { BoardPaths } from "../board/paths.js";
import { currentBranchRef, readRef } from "../git/refs.js";
import { commitTree, diffTrees, readBlobBytes, type Repo } from "../git/tree-diff.js";
import { commonDir } from "../git/repository.js";

/** Bounds: a branch an agent made may be anything; the page gets a readable part of it. */
const MAX_FILES = 50;
const MAX_FILE_BYTES = 200_000;
const MAX_LINES = 3000;
/** Unchanged lines kept around each change. */
const CONTEXT = 3;

export interface FileDiff {
  path: string;
  change: "added" | "deleted" | "modified";
  /** " ", "-", "+" or "…" (unchanged lines left out) then the text; null for a binary or too-large file. */
  lines: string[] | null;
}

export interface BranchDiff {
  name: string;
  head: string;
  base: string | null;
  files: FileDiff[];
  truncated: boolean;
}

/** The bead's work branch bead/<id> against where it left the board's branch (their merge base), bounded. */
export async function branchDiff(paths: BoardPaths, id: string): Promise<BranchDiff | null> {
  const name = `bead/${id}`;
  const head = readRef(paths.gitdir, `refs/heads/${name}`);
  if (!head) return null;
  const repo: Repo = { dir: paths.root, gitdir: commonDir(paths.gitdir), cache: {} };
  const main = readRef(paths.gitdir, currentBranchRef(paths.gitdir));
  let base: string | null = null;
  if (main) {
    const bases = (await git.findMergeBase({ fs, dir: paths.root, gitdir: repo.gitdir, oids: [main, head], cache: repo.cache })) as string[];
    base = bases[0] ?? null;
  }
  const changed = await diffTrees(repo, await commitTree(repo, base), await commitTree(repo, head));
  const files: FileDiff[] = [];
  let budget = MAX_LINES;
  for (const diff of changed.slice(0, MAX_FILES)) {
    const change = diff.a === null ? "added" : diff.b === null ? "deleted" : "modified";
    const before = diff.a ? await readText(repo, diff.a.oid) : "";
    const after = diff.b ? await readText(repo, diff.b.oid) : "";
    const lines = before === null || after === null || budget <= 0 ? null : lineDiff(before, after).slice(0, budget);
    if (lines) budget -= lines.length;
    files.push({ path: diff.path, change, lines });
  }
  return { name, head, base, files, truncated: changed.length > MAX_FILES || budget <= 0 };
}

async function readText(repo: Repo, oid: string): Promise<string | null> {
  const bytes = await readBlobBytes(repo, oid);
  if (bytes.length > MAX_FILE_BYTES || bytes.includes(0)) return null;
  return Buffer.from(bytes).toString("utf8");
}

/** A unified-style line diff with CONTEXT lines around each change. Pure. */
export function lineDiff(before: string, after: string): string[] {
  const split = (text: string) => (text === "" ? [] : text.replace(/\n$/, "").split("\n"));
  const out: string[] = [];
  const parts = diffComm(split(before), split(after));
  parts.forEach((part, index) => {
    if (part.common !== undefined) {
      const common = part.common;
      const head = index === 0 ? [] : common.slice(0, CONTEXT);
      const tail = index === parts.length - 1 ? [] : common.slice(Math.max(head.length, common.length - CONTEXT));
      const skipped = common.length - head.length - tail.length;
      out.push(...head.map((line) => ` ${line}`));
      if (skipped > 0) out.push(`…${skipped} unchanged line${skipped === 1 ? "" : "s"}`);
      out.push(...tail.map((line) => ` ${line}`));
    } else {
      out.push(...(part.buffer1 ?? []).map((line) => `-${line}`), ...(part.buffer2 ?? []).map((line) => `+${line}`));
    }
  });
  return out;
}
