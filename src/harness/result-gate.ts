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
}

/** True for a workspace-relative path a remote model may never read. */
export function isBoardPrivatePath(path: string): boolean {
  const parts = path.replaceAll("\\", "/").split("/").filter((part) => part !== "" && part !== ".");
  const base = parts.at(-1) ?? "";
  return parts.includes("secrets") || base.startsWith(".env") || base.endsWith(".pem") || base.endsWith(".key");
}

function namedPath(input: unknown): string | undefined {
  const path = typeof input === "object" && input !== null ? (input as { path?: unknown }).path : undefined;
  return typeof path === "string" ? path : undefined;
}

/** list_files and search name many files: drop the board-private lines, keep the rest. */
function withoutPrivateLines(tool: string, text: string): string {
  if (tool !== "list_files" && tool !== "search") return text;
  const lines = text.split("\n");
  const kept = lines.filter((line) => !isBoardPrivatePath(tool === "search" ? (line.split(":")[0] ?? "") : line));
  const dropped = lines.length - kept.length;
  return dropped === 0 ? text : `${kept.join("\n")}\n(${dropped} board-private line(s) withheld)`;
}

export function sensitivityResultGate(options: ResultGateOptions): ResultGate {
  return ({ tool, input, text: raw }) => {
    let text = raw;
    if (options.locality === "remote") {
      const path = namedPath(input);
      if (path !== undefined && isBoardPrivatePath(path)) return { allowed: false, reason: `${tool} named a board-private file (${path}), which no remote model reads` };
      text = withoutPrivateLines(tool, raw);
    }
    const decision = decide(
      { beadId: options.beadId, inputs: [{ label: `${tool} result`, text, declared: options.declared, kind: "bead" }], provider: { name: options.agent, locality: options.locality } },
      options.policy,
    );
    return decision.allowed ? { allowed: true, text, sensitivity: decision.sensitivity } : { allowed: false, reason: decision.reason };
  };
}
