import { STATUSES } from "../bead/fields.js";

/**
 * The commands people, scripts and agents run most, in their plain spellings, parsed without
 * commander: loading and building commander's program costs ~20 ms, a sizeable share of these
 * commands' budgets (DESIGN §10). Each gets the same arguments and options object commander
 * would pass. Anything else (help, `--opt=value`, a value starting with '-', an unknown or
 * missing option, an invalid --status, a wrong number of arguments) returns null, and commander
 * parses it as always, with its own messages.
 */
export type FastCommandName = keyof typeof FAST_COMMANDS;

export interface FastCommand {
  name: FastCommandName;
  args: unknown[];
  options: Record<string, string | string[] | boolean>;
}

interface FastSpec {
  /** How many positional words; with `variadic`, the last one collects the rest (at least one). */
  words: number;
  variadic?: boolean;
  flags?: readonly string[];
  values?: readonly string[];
  /** Repeatable options, collected into arrays; allowed values where commander checks choices. */
  lists?: Readonly<Record<string, readonly string[] | null>>;
  required?: readonly string[];
  defaults?: Readonly<Record<string, string>>;
}

/** Must match the options main.ts's buildProgram gives the same commands. */
const FAST_COMMANDS = {
  ls: { words: 0, flags: ["json"], values: ["agent"], lists: { status: STATUSES, label: null } },
  ready: { words: 0, flags: ["json"], values: ["agent"] },
  set: { words: 2, variadic: true },
  search: { words: 1, variadic: true, flags: ["json", "all"], values: ["limit"] },
  claim: { words: 1, flags: ["json"], values: ["as", "lease"], required: ["as"], defaults: { lease: "15m" } },
} as const satisfies Record<string, FastSpec>;

/**
 * `bead -C <board> <command> …`, as in `git -C`: the board option given before the command is
 * moved after it (before a `--`, if there is one), where each command takes it.
 */
export function withBoardOptionAfterCommand(argv: readonly string[]): string[] {
  const [first, second] = argv;
  let dir: string | undefined;
  let rest: readonly string[];
  if ((first === "-C" || first === "--dir") && second !== undefined) {
    dir = second;
    rest = argv.slice(2);
  } else if (first?.startsWith("--dir=")) {
    dir = first.slice("--dir=".length);
    rest = argv.slice(1);
  } else return [...argv];
  if (rest.length === 0 || rest[0]!.startsWith("-")) return [...argv]; // no command after it: commander explains
  const end = rest.indexOf("--");
  return end === -1 ? [...rest, "--dir", dir] : [...rest.slice(0, end), "--dir", dir, ...rest.slice(end)];
}

export function fastCommand(argv: readonly string[]): FastCommand | null {
  const [name, ...rest] = argv;
  if (name === undefined || !Object.hasOwn(FAST_COMMANDS, name)) return null;
  const spec: FastSpec = FAST_COMMANDS[name as FastCommandName];
  const options: Record<string, string | string[] | boolean> = { ...spec.defaults };
  const words: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith("-")) {
      words.push(arg);
      continue;
    }
    const option = arg === "-C" ? "dir" : arg.startsWith("--") ? arg.slice(2) : "";
    if (spec.flags?.includes(option)) {
      options[option] = true;
      continue;
    }
    const value = rest[++i];
    if (value === undefined || value.startsWith("-")) return null;
    const allowed = spec.lists?.[option];
    if (option === "dir" || spec.values?.includes(option)) options[option] = value;
    else if (allowed !== undefined && (allowed === null || allowed.includes(value))) options[option] = [...((options[option] as string[] | undefined) ?? []), value];
    else return null;
  }
  if (spec.required?.some((option) => options[option] === undefined)) return null;
  if (spec.variadic ? words.length < spec.words : words.length !== spec.words) return null;
  // commander passes a variadic argument as one array after the fixed ones.
  const args: unknown[] = spec.variadic ? [...words.slice(0, spec.words - 1), words.slice(spec.words - 1)] : words;
  return { name: name as FastCommandName, args, options };
}
