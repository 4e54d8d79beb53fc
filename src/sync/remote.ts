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
import { currentBranchRef } from "../git/refs.js";
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

export interface Transport {
  http: HttpClient;
  headers: Record<string, string>;
  onAuth?: AuthCallback;
}

/** How requests reach the server: the HTTP client with the stop and timeout, and the credentials. */
export function transport(remote: Remote): Transport {
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

export async function hasCommit(repo: Repo, oid: string): Promise<boolean> {
  try {
    await git.readCommit({ fs, dir: repo.dir, gitdir: repo.gitdir, oid, cache: repo.cache });
    return true;
  } catch {
    return false;
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
