/**
 * Which machines' agents made the commits that arrived on the board's branch (./contention.ts
 * counts turns with it): the mail domain (`HOST.beadboard`, git/author.ts) of each agent commit
 * from `since` (exclusive) up to `tip`, oldest first, along the first-parent line, looking at
 * `max` commits at most. A person's commits are not turns of any machine and are left out;
 * neither is the committer used: one person's identity may commit on every machine.
 */
import * as fs from "node:fs";
import git from "isomorphic-git";
import type { Repo } from "../git/tree-diff.js";

export async function agentHostsSince(repo: Repo, tip: string, since: string | null, max: number): Promise<string[]> {
  const hosts: string[] = [];
  let oid: string | undefined = tip;
  for (let looked = 0; oid !== undefined && oid !== since && looked < max; looked++) {
    const { commit } = await git.readCommit({ fs, dir: repo.dir, gitdir: repo.gitdir, oid, cache: repo.cache });
    const domain = commit.author.email.slice(commit.author.email.lastIndexOf("@") + 1);
    if (domain.endsWith(".beadboard")) hosts.push(domain);
    oid = commit.parent[0];
  }
  return hosts.reverse();
}
