/**
 * The gate every tool result passes before a model sees it (DESIGN §12: tool results pass the
 * sensitivity gate like every other byte sent to a model). Pure: the detectors and the board's
 * policy decide; a remote model also never reads the board-private files (`.env*`, `*.pem`,
 * `*.key`, anything under `secrets/`), whatever they hold.
 */
import { decide, type GatePolicy } from "../policy/gate.js";
import type { Sensitivity } from "../bead/fields.js";
import type { ResultGate } from "./loop.js";

export interface ResultGateOptions {
  beadId: string;
  agent: string;
  locality: "local" | "remote";
  policy: GatePolicy;
  /** The bead's own level: a result is at least as sensitive as the work it serves. */
  declared: Sensitivity;
  /** The board's `policy.private_paths`, on top of DEFAULT_PRIVATE_PATHS. */
  privatePaths?: readonly string[];
}

/** What every board keeps from remote models; a board's `policy.private_paths` adds to it. */
export const DEFAULT_PRIVATE_PATHS: readonly string[] = [".env*", "*.pem", "*.key", "secrets/"];

/**
 * True for a workspace-relative path a remote model may never read. A pattern without a slash
 * matches a file's name (`*.pem`); `name/` any directory so named, at any depth (`secrets/`);
 * one with a slash inside, the path from the workspace root (`config/prod.*`). `*` stays within
 * one name. Case is ignored: on a case-insensitive disk `.ENV` is `.env`.
 */
export function isBoardPrivatePath(path: string, extra: readonly string[] = []): boolean {
  const parts = path.replaceAll("\\", "/").split("/").filter((part) => part !== "" && part !== ".");
  return [...DEFAULT_PRIVATE_PATHS, ...extra].some((pattern) => matchesPattern(parts, pattern.replaceAll("\\", "/")));
}

function matchesPattern(parts: readonly string[], pattern: string): boolean {
  const directory = pattern.endsWith("/");
  const body = pattern.replace(/^\/+|\/+$/g, "");
  if (body === "") return false;
  if (!body.includes("/")) {
    const name = globRegex(body);
    return directory ? parts.some((part) => name.test(part)) : name.test(parts.at(-1) ?? "");
  }
  const depth = body.split("/").length;
  if (directory ? parts.length < depth : parts.length !== depth) return false;
  return globRegex(body).test(parts.slice(0, depth).join("/"));
}

/** A glob as a whole-string regular expression: `*` is any run of characters within one name. */
function globRegex(glob: string): RegExp {
  return new RegExp(`^${glob.split("*").map((piece) => piece.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*")}$`, "i");
}

function namedPath(input: unknown): string | undefined {
  const path = typeof input === "object" && input !== null ? (input as { path?: unknown }).path : undefined;
  return typeof path === "string" ? path : undefined;
}

/** list_files and search name many files: drop the board-private lines, keep the rest. */
function withoutPrivateLines(tool: string, text: string, extra: readonly string[]): string {
  if (tool !== "list_files" && tool !== "search") return text;
  const lines = text.split("\n");
  const kept = lines.filter((line) => !isBoardPrivatePath(tool === "search" ? (line.split(":")[0] ?? "") : line, extra));
  const dropped = lines.length - kept.length;
  return dropped === 0 ? text : `${kept.join("\n")}\n(${dropped} board-private line(s) withheld)`;
}

export function sensitivityResultGate(options: ResultGateOptions): ResultGate {
  return ({ tool, input, text: raw }) => {
    let text = raw;
    if (options.locality === "remote") {
      const path = namedPath(input);
      if (path !== undefined && isBoardPrivatePath(path, options.privatePaths)) return { allowed: false, reason: `${tool} named a board-private file (${path}), which no remote model reads` };
      text = withoutPrivateLines(tool, raw, options.privatePaths ?? []);
    }
    const decision = decide(
      { beadId: options.beadId, inputs: [{ label: `${tool} result`, text, declared: options.declared, kind: "bead" }], provider: { name: options.agent, locality: options.locality } },
      options.policy,
    );
    return decision.allowed ? { allowed: true, text, sensitivity: decision.sensitivity } : { allowed: false, reason: decision.reason };
  };
}
