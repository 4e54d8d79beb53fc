import { STATUSES } from "../bead/fields.js";

/**
 * The commands with a commander-free fast path, their arguments and options, said once. main.ts
 * builds their commander commands from this table (help included); fast-path.ts parses their
 * plain spellings with it; launch.ts answers from the answer store only when every option given
 * is part of the stored answer's key (`inAnswerKey`). The launch bundle loads this file: it holds
 * data only.
 */
export interface OptionRow {
  name: string;
  /** flag: `--x`; value: `--x <v>`; list: `--x <v>`, repeatable, collected into an array. */
  kind: "flag" | "value" | "list";
  /** The word in `<…>` that help shows for the value. */
  placeholder?: string;
  description: string;
  /** The only values allowed (commander checks them too, and names them in help). */
  choices?: readonly string[];
  default?: string;
  required?: boolean;
  /** Part of the key of this command's stored `--json` answer (src/cli/answer-keys.ts). */
  inAnswerKey?: boolean;
}

export interface FastCommandSpec {
  /** Positional arguments in commander's spelling: `<id>`, `<words...>`, `[assignments...]`; only the last may be variadic or optional. */
  args: readonly string[];
  description: string;
  /** Takes `--json`. */
  json: boolean;
  options: readonly OptionRow[];
}

/** Each command is the export of the same name in ./commands/<name>.ts. */
export const FAST_COMMANDS = {
  ls: {
    args: [],
    description: "list beads",
    json: true,
    options: [
      { name: "status", kind: "list", placeholder: "status", description: "only this status (repeatable)", choices: STATUSES, inAnswerKey: true },
      { name: "agent", kind: "value", placeholder: "name", description: "only beads assigned to this agent", inAnswerKey: true },
      { name: "label", kind: "list", placeholder: "label", description: "only beads with this label (repeatable)", inAnswerKey: true },
      { name: "escalated", kind: "flag", description: "only beads waiting for a person's approval of a remote model", inAnswerKey: true },
      { name: "text", kind: "value", placeholder: "words", description: "only beads whose title or text has these words (search syntax)" },
      { name: "priority", kind: "list", placeholder: "n", description: "only this priority (repeatable)" },
      { name: "type", kind: "list", placeholder: "type", description: "only this type (repeatable)" },
      { name: "since", kind: "value", placeholder: "when", description: "only beads created or updated since a date (2026-01-31) or a duration ago (7d)" },
    ],
  },
  search: {
    args: ["<words...>"],
    description: 'find beads by words, "phrases", label:x status:y agent:z type:t priority:n',
    json: true,
    options: [
      { name: "all", kind: "flag", description: "include archived beads" },
      { name: "limit", kind: "value", placeholder: "n", description: "at most this many results (default 20)" },
    ],
  },
  ready: {
    args: [],
    description: "open beads whose deps are done, by priority then age",
    json: true,
    options: [{ name: "agent", kind: "value", placeholder: "name", description: "only beads this agent may take (assigned to it or unassigned)", inAnswerKey: true }],
  },
  set: {
    args: ["<id>", "[assignments...]"],
    description: "set front-matter fields (key=value; key= removes; key+=item / key-=item for lists)",
    json: false,
    options: [{ name: "body", kind: "value", placeholder: "text", description: "replace the body ('-' reads stdin)" }],
  },
  claim: {
    args: ["<id>"],
    description: "claim a bead (exit 3 when it is not claimable)",
    json: true,
    options: [
      { name: "as", kind: "value", placeholder: "name", description: "who claims it (required unless .beadboard.yml says claim_as: git-identity)" },
      { name: "lease", kind: "value", placeholder: "duration", description: "how long the claim holds without renewal", default: "15m" },
    ],
  },
} as const satisfies Record<string, FastCommandSpec>;

export type FastCommandName = keyof typeof FAST_COMMANDS;

/** `ls` → `ls`, `set` → `set <id> [assignments...]`: the command as commander declares it. */
export function usageOf(name: FastCommandName): string {
  return [name, ...FAST_COMMANDS[name].args].join(" ");
}
