/**
 * Every error the product raises on purpose is a BeadboardError with a stable `code`
 * (for scripts and tests) and structured `data`. The CLI maps codes to exit codes in one
 * place (src/cli/exit-codes.ts); nothing else calls process.exit.
 */
export type ErrorCode =
  | "E_PARSE"
  | "E_INVALID_ARGUMENT"
  | "E_INVALID_ID"
  | "E_NOT_FOUND"
  | "E_NOT_A_BOARD"
  | "E_CLAIM_REFUSED"
  | "E_NOT_HOLDER"
  | "E_CONFLICT"
  | "E_LOCK_TIMEOUT"
  | "E_REF_MOVED"
  | "E_GIT"
  | "E_REPO_FORMAT"
  | "E_CONFIG"
  | "E_MODEL"
  | "E_MODEL_UNREACHABLE"
  | "E_GATE"
  | "E_REMOTE"
  | "E_AUTH"
  | "E_PUSH_REJECTED"
  | "E_UNSAVED_EDIT"
  | "E_COMMAND_REFUSED"
  | "E_REMOTE_NOT_FOUND"
  | "E_REMOTE_UNREACHABLE"
  | "E_REQUEST_REFUSED"
  | "E_MODEL_DOWNLOAD"
  | "E_TOOL_REFUSED"
  | "E_AGENT_RUNNING"
  | "E_STOPPED";

export class BeadboardError extends Error {
  readonly code: ErrorCode;
  readonly data: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, data: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.data = data;
  }
}

/** A file that cannot be understood. `line` is 1-based; `fix` tells a person what to do. */
export class ParseError extends BeadboardError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
    readonly fix?: string,
  ) {
    super("E_PARSE", `${file}:${line}: ${reason}${fix ? ` (${fix})` : ""}`, { file, line, reason, fix });
  }
}

export class InvalidArgumentError extends BeadboardError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super("E_INVALID_ARGUMENT", message, data);
  }
}

export class InvalidIdError extends BeadboardError {
  constructor(readonly id: string, reason: string) {
    super("E_INVALID_ID", `invalid bead id ${JSON.stringify(id)}: ${reason}`, { id, reason });
  }
}

export class NotFoundError extends BeadboardError {
  constructor(what: string, readonly id: string, hint?: string) {
    super("E_NOT_FOUND", `${what} not found: ${id}${hint ? ` (${hint})` : ""}`, { what, id });
  }
}

export class NotABoardError extends BeadboardError {
  constructor(readonly dir: string) {
    super("E_NOT_A_BOARD", `${dir} is not inside a git repository (run \`bead init\` there first)`, { dir });
  }
}

export class ClaimRefusedError extends BeadboardError {
  constructor(
    readonly id: string,
    reason: string,
    readonly holder?: string,
    readonly leaseUntil?: string,
  ) {
    super("E_CLAIM_REFUSED", `cannot claim ${id}: ${reason}`, { id, reason, holder, leaseUntil });
  }
}

export class NotHolderError extends BeadboardError {
  constructor(readonly id: string, readonly as: string, readonly holder: string | undefined) {
    super("E_NOT_HOLDER", `${id} is not held by ${as}${holder ? ` (held by ${holder})` : ""}`, { id, as, holder });
  }
}

/** Someone changed a file between our read and our write; we refuse rather than clobber. */
export class ConflictError extends BeadboardError {
  constructor(readonly file: string, reason: string) {
    super("E_CONFLICT", `${file}: ${reason}`, { file, reason });
  }
}

export class LockTimeoutError extends BeadboardError {
  constructor(readonly lockPath: string, waitedMs: number) {
    super("E_LOCK_TIMEOUT", `could not take the board lock ${lockPath} within ${waitedMs} ms (another bead process is busy; retry)`, {
      lockPath,
      waitedMs,
    });
  }
}

/** The branch moved between our read and our ref update (compare-and-swap failed). */
export class RefMovedError extends BeadboardError {
  constructor(readonly ref: string, readonly expected: string | null, readonly actual: string | null) {
    super("E_REF_MOVED", `${ref} moved from ${expected ?? "(none)"} to ${actual ?? "(none)"} while writing`, { ref, expected, actual });
  }
}

export class GitError extends BeadboardError {
  constructor(message: string, data: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super("E_GIT", message, data, options);
  }
}

export class ConfigError extends BeadboardError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super("E_CONFIG", message, data);
  }
}

export function isBeadboardError(error: unknown): error is BeadboardError {
  return error instanceof BeadboardError;
}

/** The model server did not answer (refused, DNS, timeout before any byte). The bead is released, not failed. */
export class ModelUnreachableError extends BeadboardError {
  constructor(readonly host: string, reason: string, options?: { cause?: unknown }) {
    super("E_MODEL_UNREACHABLE", `model server ${host} unreachable: ${reason}`, { host, reason }, options);
  }
}

/** The model server answered, but with an error, a timeout mid-reply, or unusable output. */
export class ModelError extends BeadboardError {
  constructor(message: string, data: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super("E_MODEL", message, data, options);
  }
}

/** The builtin `run` action refused a command: not allow-listed, shell syntax, or a path leaving the board. */
export class CommandRefusedError extends BeadboardError {
  constructor(
    readonly argv: string[],
    readonly reason: string,
  ) {
    super("E_COMMAND_REFUSED", `command refused: ${reason}`, { program: argv[0], reason });
  }
}

/** Something went wrong talking to the board's git remote (a catch-all for what has no class of its own). */
export class RemoteError extends BeadboardError {
  constructor(message: string, data: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super("E_REMOTE", message, data, options);
  }
}

/** The git server refused our credentials (HTTP 401) or their scope (403). The token itself is never in the message. */
export class RemoteAuthError extends BeadboardError {
  constructor(readonly url: string, readonly status: number, readonly tokenEnv: string, tokenSet: boolean) {
    const what =
      status === 403
        ? `the token in ${tokenEnv} may not do this (HTTP 403): give it the repository read and write scope, or use an account with write access to the repository`
        : tokenSet
          ? `the server refused the token in ${tokenEnv} (HTTP 401): create a new access token on the server (scope: repository read and write) and set ${tokenEnv} to it`
          : `the server wants a token (HTTP 401) and ${tokenEnv} is not set: create an access token on the server (scope: repository read and write) and set ${tokenEnv} to it`;
    super("E_AUTH", `${url}: ${what}`, { url, status, tokenEnv, tokenSet });
  }
}

/** No repository at the remote URL (HTTP 404). */
export class RemoteNotFoundError extends BeadboardError {
  constructor(readonly url: string) {
    super("E_REMOTE_NOT_FOUND", `${url}: no repository there (HTTP 404): create it on the server (an empty repository, no README) or fix remote.url in .beadboard.yml`, {
      url,
    });
  }
}

/** The git server could not be reached (refused, reset, DNS, timeout). Local work is kept; sync later. */
export class RemoteUnreachableError extends BeadboardError {
  constructor(readonly url: string, reason: string, data: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super("E_REMOTE_UNREACHABLE", `${url}: git server unreachable (${reason}); local commits are kept and go out with the next sync`, { url, reason, ...data }, options);
  }
}

/** Our pushes kept losing the race against other clones, even after fetching and merging each time. */
export class PushKeepsLosingError extends BeadboardError {
  constructor(readonly url: string, attempts: number, lastReason: string, data: Record<string, unknown> = {}) {
    super("E_PUSH_REJECTED", `${url}: push rejected ${attempts} times in a row (${lastReason}); others keep pushing first, try again later`, {
      url,
      attempts,
      lastReason,
      ...data,
    });
  }
}

/** Sync would overwrite a file a person changed and did not commit: nothing was changed. */
export class UnsavedEditError extends BeadboardError {
  constructor(readonly files: string[]) {
    super(
      "E_UNSAVED_EDIT",
      `${files.join(", ")}: changed here and not committed, and the remote changed ${files.length === 1 ? "it" : "them"} too; nothing was changed. Commit (git commit) or undo your edit, then sync again`,
      { files },
    );
  }
}

/**
 * An embedded model's GGUF file is missing, unreadable or not a model. Subclasses
 * ModelUnreachableError on purpose: the bead is released, not failed, and the message names the
 * path and the command that fetches it.
 */
export class ModelFileMissingError extends ModelUnreachableError {
  constructor(readonly modelPath: string, reason: string, readonly fetchCommand: string | undefined, options?: { cause?: unknown }) {
    super(`embedded:${modelPath}`, `${reason}${fetchCommand ? ` (fetch it with: ${fetchCommand})` : ""}`, options);
  }
}

/** node-llama-cpp (the embedded engine, an optional dependency) is not installed. */
export class EngineMissingError extends ModelUnreachableError {
  constructor(options?: { cause?: unknown }) {
    super("embedded", "the embedded engine node-llama-cpp is not installed (install it with: npm install node-llama-cpp@3.21.1)", options);
  }
}

/** Something this client may not see: a remote MCP client asking for private memory (src/mcp/). */
export class SensitivityRefusedError extends BeadboardError {
  constructor(readonly what: string, level: string, allowed: string) {
    super("E_GATE", `${what} is ${level}; this client is remote and may see up to ${allowed}`, { what, level, allowed });
  }
}

/** `bead serve` refused an HTTP request (no token, another origin, no CSRF token, body too large). `status` is the HTTP status. */
export class RequestRefusedError extends BeadboardError {
  constructor(readonly status: number, reason: string) {
    super("E_REQUEST_REFUSED", reason, { status, reason });
  }
}

/** The repository uses a format beadboard cannot write correctly (sha256 objects, reftable, an unknown extension): nothing was written. */
export class UnsupportedRepositoryError extends BeadboardError {
  constructor(readonly repository: string, reason: string) {
    super("E_REPO_FORMAT", `${repository}: ${reason}; beadboard does not write to such a repository (nothing was changed). Use a board in a plain SHA-1 git repository`, { repository, reason });
  }
}

/** A tool call the harness will not carry out (a path outside the workspace, under .git/...). The message is written for the model to read. */
export class ToolRefusedError extends BeadboardError {
  constructor(readonly tool: string, reason: string, data: Record<string, unknown> = {}) {
    super("E_TOOL_REFUSED", reason, { tool, ...data });
  }
}

/** `bead merge`: the work branch and the board's branch changed the same lines; nothing was changed. */
export class WorkBranchConflictError extends BeadboardError {
  constructor(readonly branch: string, readonly files: string[]) {
    super(
      "E_CONFLICT",
      `${branch} conflicts with the board's branch in ${files.join(", ")}; nothing was changed. Merge it by hand (git merge ${branch}) or ask the agent to redo the bead`,
      { branch, files },
    );
  }
}

/** `bead merge` would overwrite files a person changed and did not commit; nothing was changed. */
export class MergeOverUnsavedEditError extends BeadboardError {
  constructor(readonly branch: string, readonly files: string[]) {
    super(
      "E_UNSAVED_EDIT",
      `${files.join(", ")}: changed here and not committed, and ${branch} changes ${files.length === 1 ? "it" : "them"} too; nothing was changed. Commit (git commit) or undo your edit, then merge again`,
      { branch, files },
    );
  }
}

/** `bead models pull` could not fetch a model completely; nothing half-written is left as a model. */
export class ModelDownloadError extends BeadboardError {
  constructor(readonly uri: string, reason: string, options?: { cause?: unknown }) {
    super("E_MODEL_DOWNLOAD", `${uri}: ${reason}`, { uri, reason }, options);
  }
}

/** An agent's new_bead past the board's follow-up limits (per bead, depth, per hour). The message is written for the model to read. */
export class FollowupLimitError extends ToolRefusedError {
  constructor(reason: string, data: Record<string, unknown> = {}) {
    super("new_bead", `${reason}; no bead was created. Name the follow-up in finish's result instead`, data);
  }
}

/** `bead up` / `bead agent start` on a board whose agents/ holds no agent that loads. */
export class NoAgentsError extends ConfigError {
  constructor() {
    super("this board has no valid agents in agents/; add one (see agents/reporter.md) or run `bead init`");
  }
}

/** Another bead process already runs this agent on this board: two would both believe they hold its claims. */
export class AgentAlreadyRunningError extends BeadboardError {
  constructor(readonly agent: string, readonly holder: string) {
    super("E_AGENT_RUNNING", `agent ${agent} is already running on this board (${holder}); stop it first, or run another agent`, { agent, holder });
  }
}

/**
 * A sync, claim or push was stopped by the process's stop (SIGINT/SIGTERM) before it finished.
 * Whatever was committed locally is kept and goes out with the next sync; a claim that was not
 * confirmed by the remote is taken back.
 */
export class SyncStoppedError extends BeadboardError {
  constructor(readonly url: string, step: string, data: Record<string, unknown> = {}) {
    super("E_STOPPED", `${url}: stopped during ${step}; local commits are kept and go out with the next sync`, { url, step, ...data });
  }
}
