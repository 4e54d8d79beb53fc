import { FAST_COMMANDS, type FastCommandName, type FastCommandSpec } from "./fast-commands.js";

export type { FastCommandName };

/**
 * The commands people, scripts and agents run most, in their plain spellings, parsed without
 * commander: loading and building commander's program costs ~20 ms, a sizeable share of these
 * commands' budgets (DESIGN §10). Each gets the same arguments and options object commander
 * would pass; both read the one table in fast-commands.ts. Anything else (help, `--opt=value`,
 * a value starting with '-', an unknown or missing option, a value not among the choices, a
 * wrong number of arguments) returns null, and commander parses it as always, with its own
 * messages.
 */
export interface FastCommand {
  name: FastCommandName;
  args: unknown[];
  options: Record<string, string | string[] | boolean>;
}

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
  const spec: FastCommandSpec = FAST_COMMANDS[name as FastCommandName];
  const options: Record<string, string | string[] | boolean> = {};
  for (const row of spec.options) if (row.default !== undefined) options[row.name] = row.default;
  const words: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (!arg.startsWith("-")) {
      words.push(arg);
      continue;
    }
    const option = arg === "-C" ? "dir" : arg.startsWith("--") ? arg.slice(2) : "";
    const row = spec.options.find((candidate) => candidate.name === option);
    if ((option === "json" && spec.json) || row?.kind === "flag") {
      options[option] = true;
      continue;
    }
    const value = rest[++i];
    if (value === undefined || value.startsWith("-")) return null;
    if (option === "dir" || row?.kind === "value") options[option] = value;
    else if (row?.kind === "list" && (row.choices === undefined || row.choices.includes(value))) options[option] = [...((options[option] as string[] | undefined) ?? []), value];
    else return null;
  }
  if (spec.options.some((row) => row.required === true && options[row.name] === undefined)) return null;
  const args = positionalArgs(spec.args, words);
  return args && { name: name as FastCommandName, args, options };
}

/** The words as commander hands them over: one each, a variadic last one as an array; null when they do not fit. */
function positionalArgs(declared: readonly string[], words: string[]): unknown[] | null {
  const last = declared.at(-1);
  if (last === undefined || !(last.endsWith("...>") || last.endsWith("...]"))) {
    const required = declared.filter((arg) => arg.startsWith("<")).length;
    if (words.length < required || words.length > declared.length) return null;
    // commander hands a missing optional argument over as undefined, in its place.
    return [...words, ...new Array<undefined>(declared.length - words.length).fill(undefined)];
  }
  const fixed = declared.length - 1;
  const least = last.startsWith("<") ? fixed + 1 : fixed;
  return words.length < least ? null : [...words.slice(0, fixed), words.slice(fixed)];
}
