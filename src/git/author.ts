import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export interface Identity {
  name: string;
  email: string;
}

/** An agent as a commit author: `codemonkey <codemonkey@HOST.beadboard>`, so `git log --author=codemonkey` finds its work. */
export function agentIdentity(agent: string, host: string): Identity {
  return { name: agent, email: `${agent}@${agentMailDomain(host)}` };
}

/** The mail domain of every agent on `host` (`HOST.beadboard`): which machine an agent commit came from. */
export function agentMailDomain(host: string): string {
  return `${host.replace(/[^A-Za-z0-9.-]/g, "-").replace(/^[.-]+|[.-]+$/g, "") || "localhost"}.beadboard`;
}

/**
 * Who commits: `BEAD_ACTOR` ("Name <email>" or a name), else the repository's git config, else
 * the user's global git config, else a neutral default, so commits never fail for want of an identity.
 */
export function resolveIdentity(gitdir: string, env: NodeJS.ProcessEnv = process.env): Identity {
  const actor = env.BEAD_ACTOR?.trim();
  if (actor) {
    const match = /^(.*?)\s*<([^>]+)>$/.exec(actor);
    if (match?.[1] && match[2]) return { name: match[1], email: match[2] };
    return { name: actor, email: `${actor.replace(/[^A-Za-z0-9._-]/g, "-")}@beadboard.local` };
  }
  const local = readUserSection(join(gitdir, "config"));
  const global = readUserSection(join(env.HOME ?? homedir(), ".gitconfig"));
  return {
    name: local.name ?? global.name ?? env.GIT_AUTHOR_NAME ?? "beadboard",
    email: local.email ?? global.email ?? env.GIT_AUTHOR_EMAIL ?? "beadboard@localhost",
  };
}

/** Just the [user] section of a git config file; anything fancier (includes) falls through to the default. */
function readUserSection(path: string): Partial<Identity> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return {};
  }
  const result: Partial<Identity> = {};
  let inUser = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("[")) {
      inUser = /^\[user\]$/i.test(line);
      continue;
    }
    if (!inUser) continue;
    const match = /^(name|email)\s*=\s*"?(.*?)"?$/i.exec(line);
    if (match?.[1] && match[2] !== undefined) result[match[1].toLowerCase() as keyof Identity] = match[2];
  }
  return result;
}
