import * as fs from "node:fs";
import git from "isomorphic-git";
import { assertValidId } from "../../bead/ids.js";
import { beadPath } from "../../board/paths.js";
import { NotFoundError } from "../../errors.js";
import { readRef, currentBranchRef } from "../../git/refs.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { json } from "../output.js";
import { printTranscript, type TranscriptOptions } from "./log-transcript.js";
import { commonDir } from "../../git/repository.js";

/** The commits that touched one bead file, newest first (renames are not followed: ids never change). */
export async function log(io: CliIo, id: string, options: GlobalOptions & TranscriptOptions & { transcript?: boolean }): Promise<void> {
  assertValidId(id);
  const paths = boardFor(io, options);
  if (options.transcript) return printTranscript(io, paths, id, options);
  const head = readRef(paths.gitdir, currentBranchRef(paths.gitdir));
  if (!head) throw new NotFoundError("history for bead", id, "the branch has no commits yet");
  let commits;
  try {
    commits = await git.log({ fs, dir: paths.root, gitdir: commonDir(paths.gitdir), ref: head, filepath: beadPath(id), force: true, cache: {} });
  } catch (error) {
    if ((error as { code?: string }).code === "NotFoundError") throw new NotFoundError("history for bead", id, `${beadPath(id)} was never committed`);
    throw error;
  }
  if (commits.length === 0) throw new NotFoundError("history for bead", id, `${beadPath(id)} was never committed`);
  const entries = commits.map(({ oid, commit }) => ({
    oid,
    date: new Date(commit.committer.timestamp * 1000).toISOString(),
    author: `${commit.author.name} <${commit.author.email}>`,
    message: commit.message.trimEnd(),
  }));
  if (options.json) {
    io.out(json(entries));
    return;
  }
  for (const entry of entries) io.out(`${entry.oid.slice(0, 8)}  ${entry.date.slice(0, 19).replace("T", " ")}  ${entry.author.replace(/ <.*>$/, "")}  ${entry.message.split("\n")[0]}\n`);
}
