/**
 * The board's git remote over smart HTTP(S): where it is, how we authenticate (Basic, the
 * token as password, the way Forgejo and Gitea take access tokens), fetch and push with
 * isomorphic-git, and plain errors for what goes wrong. The token is read from the
 * environment (or the git credential helper) at each request and never written anywhere:
 * not into .git/config, not into a commit, not into a message or a log.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import git, { type AuthCallback, type HttpClient } from "isomorphic-git";
import http from "isomorphic-git/http/node";
import { readBoardConfig } from "../board/config.js";
import type { BoardPaths } from "../board/paths.js";
import { ConfigError, RemoteAuthError, RemoteError, RemoteNotFoundError, RemoteUnreachableError, SyncStoppedError } from "../errors.js";
import { currentBranchRef, readRef } from "../git/refs.js";
import { boardHasRemote } from "./remote-config.js";
import type { Repo } from "../git/tree-diff.js";
import { commonDir } from "../git/repository.js";

export interface Remote {
  /** Without credentials; a URL with `user:token@` in it works but is never printed. */
  url: string;
  /** The remote branch the board syncs with. */
  branch: string;
  /** The environment variable holding the access token (default BEAD_TOKEN). */
  tokenEnv: string;
  /** Sent with the token; Forgejo ignores it for tokens, but some servers want the account name. */
  username: string;
  env: NodeJS.ProcessEnv;
  /** Per HTTP request; a server that accepts the connection and then hangs counts as unreachable. */
  timeoutMs: number;
  /** Ask `git credential fill` when the token variable is empty (default true). */
  credentialHelper: boolean;
  /**
   * The process's stop (`bead up`, `bead sync`): aborts the HTTP request in flight, and sync,
   * claim and publish stop between their steps with SyncStoppedError.
   */
  signal?: AbortSignal;
}

/** The name the remote's branches are tracked under locally (refs/remotes/origin/<branch>). */
export const REMOTE_NAME = "origin";

/**
 * The board's remote: `remote:` in .beadboard.yml, else the git remote `origin` (as `bead init
 * --remote` sets it) on the current branch. Throws ConfigError when the board has none.
 */
export async function resolveRemote(paths: BoardPaths, env: NodeJS.ProcessEnv = process.env): Promise<Remote> {
  const config = await readBoardConfig(paths.configFile);
  const timeoutMs = Number(env.BEAD_REMOTE_TIMEOUT_MS) > 0 ? Number(env.BEAD_REMOTE_TIMEOUT_MS) : 60_000;
  const base = { env, timeoutMs, credentialHelper: env.BEAD_CREDENTIAL_HELPER !== "0" };
  if (config.remote) {
    // .beadboard.yml is committed and pushed with the board: a token in it would be published.
    if (redactUrl(config.remote.url) !== config.remote.url) {
      throw new ConfigError(
        `remote.url in .beadboard.yml has a user name or token in it, and that file is committed with the board: remove it from the URL and set ${config.remote.tokenEnv} instead (then revoke that token)`,
      );
    }
    return { ...config.remote, ...base };
  }
  const url = await git.getConfig({ fs, dir: paths.root, gitdir: commonDir(paths.gitdir), path: `remote.${REMOTE_NAME}.url` });
  if (typeof url !== "string" || url === "") {
    throw new ConfigError("this board has no remote: add `remote: { url: https://<forgejo>/<owner>/<repo>.git }` to .beadboard.yml, or run `bead init --remote <url>`");
  }
  const branch = currentBranchRef(paths.gitdir).replace(/^refs\/heads\//, "");
  return { url, branch, tokenEnv: "BEAD_TOKEN", username: "beadboard", ...base };
}

/** The board's remote, or undefined for a board that does not sync. */
export async function optionalRemote(paths: BoardPaths, env: NodeJS.ProcessEnv = process.env): Promise<Remote | undefined> {
  return (await boardHasRemote(paths)) ? resolveRemote(paths, env) : undefined;
}

/** A URL safe to print: credentials removed. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, "$1");
}

interface Transport {
  http: HttpClient;
  headers: Record<string, string>;
  onAuth?: AuthCallback;
}

function transport(remote: Remote): Transport {
  const client: HttpClient = {
    request: (request) => {
      const signals = [AbortSignal.timeout(remote.timeoutMs), ...(request.signal ? [request.signal] : []), ...(remote.signal ? [remote.signal] : [])];
      return http.request({ ...request, signal: AbortSignal.any(signals) });
    },
  };
  const token = remote.env[remote.tokenEnv];
  if (token) {
    // Sent up front, so each operation costs no extra 401 round trip.
    const basic = Buffer.from(`${remote.username}:${token}`).toString("base64");
    return { http: client, headers: { Authorization: `Basic ${basic}` } };
  }
  if (!remote.credentialHelper) return { http: client, headers: {} };
  return { http: client, headers: {}, onAuth: async (url) => (await credentialFill(url, remote.env)) ?? { cancel: true } };
}

/** `git credential fill` for `url`, never prompting; undefined when git or a helper has nothing. */
function credentialFill(url: string, env: NodeJS.ProcessEnv): Promise<{ username: string; password: string } | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return Promise.resolve(undefined);
  }
  const input = `protocol=${parsed.protocol.replace(/:$/, "")}\nhost=${parsed.host}\npath=${parsed.pathname.replace(/^\//, "")}\n\n`;
  const childEnv: NodeJS.ProcessEnv = { ...env, GIT_TERMINAL_PROMPT: "0" };
  delete childEnv.GIT_ASKPASS;
  delete childEnv.SSH_ASKPASS;
  return new Promise((resolve) => {
    const child = execFile("git", ["-c", "core.askPass=", "credential", "fill"], { env: childEnv, timeout: 5000 }, (error, stdout) => {
      if (error) return resolve(undefined);
      const values = new Map(stdout.split("\n").map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)] as const));
      const password = values.get("password");
      resolve(password ? { username: values.get("username") || "beadboard", password } : undefined);
    });
    child.stdin?.end(input);
  });
}

/** Turn what isomorphic-git or Node threw into one of our errors. Never includes the token. */
export function remoteError(error: unknown, remote: Remote, data: Record<string, unknown> = {}): Error {
  const url = redactUrl(remote.url);
  // Whatever the request failed with once the process is stopping, the stop is the reason.
  if (remote.signal?.aborted) return new SyncStoppedError(url, "a request to the git server", data);
  if (!(error instanceof Error)) return new RemoteError(`${url}: ${String(error)}`, data);
  const err = error as Error & { code?: string; data?: { statusCode?: number; response?: string } };
  if (err.code === "HttpError" || err.code === "UserCanceledError") {
    const status = err.code === "UserCanceledError" ? 401 : (err.data?.statusCode ?? 0);
    if (status === 401 || status === 403) return new RemoteAuthError(url, status, remote.tokenEnv, Boolean(remote.env[remote.tokenEnv]));
    if (status === 404) return new RemoteNotFoundError(url);
    return new RemoteError(`${url}: the server answered HTTP ${status}`, { url, status, ...data }, { cause: error });
  }
  if (err.code === "SmartHttpError") return new RemoteError(`${url}: this is not a git server (check remote.url)`, { url, ...data }, { cause: error });
  const network = ["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "ECONNABORTED"];
  if (err.name === "TimeoutError" || err.name === "AbortError" || err.code === "ABORT_ERR") {
    return new RemoteUnreachableError(url, `no answer within ${remote.timeoutMs} ms`, data, { cause: error });
  }
  if (err.code !== undefined && network.includes(err.code)) return new RemoteUnreachableError(url, err.code, data, { cause: error });
  if (error instanceof RemoteError || error instanceof RemoteAuthError) return error;
  return new RemoteError(`${url}: ${err.message}`, { url, ...data }, { cause: error });
}

/**
 * Fetch the remote branch into refs/remotes/origin/<branch>. Returns its tip, or null when the
 * remote repository has no such branch yet (a new, empty repository).
 */
export async function fetchRemote(repo: Repo, remote: Remote, options: { moved?: boolean } = {}): Promise<string | null> {
  const { http: client, headers, onAuth } = transport(remote);
  const tracking = `refs/remotes/${REMOTE_NAME}/${remote.branch}`;
  try {
    // Ask for the tip first (one GET): when we already have it, which is most rounds of a
    // timed sync, there is nothing to download and no upload-pack request is needed. Not when
    // a push just found the branch moved: then there is something to download for sure, and
    // the request would only widen the window in which another clone can push first.
    const info = options.moved ? null : await git.getRemoteInfo2({ http: client, url: remote.url, headers: { ...headers }, protocolVersion: 1, ...(onAuth ? { onAuth } : {}) });
    const tip = info === null ? undefined : (info.refs?.find((ref) => ref.ref === `refs/heads/${remote.branch}`)?.oid ?? null);
    if (tip === null) return null;
    if (tip !== undefined && (await hasCommit(repo, tip))) {
      await git.writeRef({ fs, dir: repo.dir, gitdir: repo.gitdir, ref: tracking, value: tip, force: true });
      return tip;
    }
    const result = await git.fetch({
      fs,
      http: client,
      dir: repo.dir,
      gitdir: repo.gitdir,
      cache: repo.cache,
      url: remote.url,
      remote: REMOTE_NAME,
      ref: remote.branch,
      remoteRef: `refs/heads/${remote.branch}`,
      singleBranch: true,
      tags: false,
      headers,
      ...(onAuth ? { onAuth } : {}),
    });
    return result.fetchHead ?? null;
  } catch (error) {
    if ((error as { code?: string }).code === "NotFoundError") return null;
    throw remoteError(error, remote);
  }
}

async function hasCommit(repo: Repo, oid: string): Promise<boolean> {
  try {
    await git.readCommit({ fs, dir: repo.dir, gitdir: repo.gitdir, oid, cache: repo.cache });
    return true;
  } catch {
    return false;
  }
}

/** pushed: the commit now on the remote branch, or null when there was nothing to push. */
/** `moved`: the server named a tip other than the one we pushed on (another clone pushed first). */
export type PushOutcome = { ok: true; pushed: string | null } | { ok: false; reason: string; moved?: boolean };

/**
 * Push the local branch to the remote branch, never forced. A push that is not a fast-forward
 * (someone pushed first) comes back as { ok: false }: fetch, merge and try again.
 */
export async function pushBranch(repo: Repo, remote: Remote, ref: string): Promise<PushOutcome> {
  const oid = readRef(repo.gitdir, ref);
  if (oid === null) return { ok: false, reason: "nothing to push: the branch has no commits" };
  const { http: client, headers, onAuth } = transport(remote);
  const tracking = `refs/remotes/${REMOTE_NAME}/${remote.branch}`;
  const check = fastForwardCheck(repo, oid, readRef(repo.gitdir, tracking));
  try {
    await git.push({
      fs,
      http: client,
      dir: repo.dir,
      gitdir: repo.gitdir,
      cache: repo.cache,
      url: remote.url,
      remote: REMOTE_NAME,
      ref,
      remoteRef: `refs/heads/${remote.branch}`,
      headers,
      onPrePush: check.hook,
      ...(onAuth ? { onAuth } : {}),
    });
  } catch (error) {
    if (check.moved !== null) return { ok: false, reason: check.moved, moved: true };
    const code = (error as { code?: string }).code;
    if (code === "PushRejectedError" || code === "GitPushError") {
      return { ok: false, reason: (error as Error).message.replace(/\s+/g, " ").trim() || code, moved: true };
    }
    throw remoteError(error, remote);
  }
  await git.writeRef({ fs, dir: repo.dir, gitdir: repo.gitdir, ref: `refs/remotes/${REMOTE_NAME}/${remote.branch}`, value: oid, force: true });
  return { ok: true, pushed: oid };
}

/**
 * Push one local branch to the same name on the remote (an acting agent's bead/<id>), never
 * forced; a rejected push (the remote's branch has other commits) comes back as { ok: false }.
 * The board's own branch goes through pushBranch.
 */
export async function pushRef(repo: Repo, remote: Remote, ref: string): Promise<PushOutcome> {
  const oid = readRef(repo.gitdir, ref);
  if (oid === null) return { ok: false, reason: `nothing to push: ${ref} does not exist` };
  const { http: client, headers, onAuth } = transport(remote);
  const check = fastForwardCheck(repo, oid, null);
  try {
    await git.push({ fs, http: client, dir: repo.dir, gitdir: repo.gitdir, cache: repo.cache, url: remote.url, ref, remoteRef: ref, headers, onPrePush: check.hook, ...(onAuth ? { onAuth } : {}) });
  } catch (error) {
    if (check.moved !== null) return { ok: false, reason: check.moved };
    const code = (error as { code?: string }).code;
    if (code === "PushRejectedError" || code === "GitPushError") return { ok: false, reason: (error as Error).message.replace(/\s+/g, " ").trim() || code };
    throw remoteError(error, remote);
  }
  return { ok: true, pushed: oid };
}

/** How far back a remote tip we have but do not track is looked for in our history. */
const ANCESTRY_DEPTH = 500;

/**
 * Refuse a push that cannot be a fast-forward as soon as the server says where its branch is,
 * before isomorphic-git looks for what to send: for a tip it does not have (another clone
 * pushed since we last fetched) that search walks every commit and tree of the whole history,
 * and then walks it again to find the push is not a fast-forward. Measured: a lost push took
 * 3 to 5 times as long as a won one at 40 beads, and grew with the board, so the clones that
 * lost once kept losing. `moved` says why, once the hook refused.
 */
function fastForwardCheck(repo: Repo, local: string, tracked: string | null): { hook: (args: { remoteRef: { oid: string } }) => Promise<boolean>; moved: string | null } {
  const check = {
    moved: null as string | null,
    hook: async ({ remoteRef }: { remoteRef: { oid: string } }): Promise<boolean> => {
      const remoteTip = remoteRef.oid;
      if (/^0+$/.test(remoteTip) || remoteTip === local || remoteTip === tracked) return true;
      if ((await hasCommit(repo, remoteTip)) && (await isAncestorWithin(repo, remoteTip, local))) return true;
      check.moved = `the remote branch moved to ${remoteTip.slice(0, 8)} (another clone pushed first): not a fast-forward`;
      return false;
    },
  };
  return check;
}

async function isAncestorWithin(repo: Repo, ancestor: string, oid: string): Promise<boolean> {
  try {
    return await git.isDescendent({ fs, dir: repo.dir, gitdir: repo.gitdir, cache: repo.cache, oid, ancestor, depth: ANCESTRY_DEPTH });
  } catch {
    return false; // deeper than that: let a fetch and merge sort it out
  }
}

export interface RemoteCheck {
  url: string;
  /** The remote branch's tip, or null when the repository has no such branch yet. */
  tip: string | null;
  canPush: boolean;
}

/** For `bead doctor`: can we reach the remote and does the token work (for push, too)? Throws our remote errors. */
export async function checkRemote(remote: Remote): Promise<RemoteCheck> {
  const { http: client, headers, onAuth } = transport(remote);
  try {
    const info = await git.getRemoteInfo2({ http: client, url: remote.url, headers, forPush: true, protocolVersion: 1, ...(onAuth ? { onAuth } : {}) });
    const tip = info.refs?.find((ref) => ref.ref === `refs/heads/${remote.branch}`)?.oid ?? null;
    return { url: redactUrl(remote.url), tip, canPush: true };
  } catch (error) {
    throw remoteError(error, remote);
  }
}

/** Between the steps of a sync, claim or publish: stop there when the process is stopping. */
export function stopIfAborted(remote: Remote, step: string): void {
  if (remote.signal?.aborted) throw new SyncStoppedError(redactUrl(remote.url), step);
}

/** A wait between rounds that ends at once when the process stops. */
export function pauseUnlessStopped(remote: Remote, ms: number, step: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stopIfAborted(remote, step);
    const stop = () => {
      clearTimeout(timer);
      reject(new SyncStoppedError(redactUrl(remote.url), step));
    };
    const timer = setTimeout(() => {
      remote.signal?.removeEventListener("abort", stop);
      resolve();
    }, ms);
    remote.signal?.addEventListener("abort", stop, { once: true });
  });
}
