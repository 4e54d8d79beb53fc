import type { Status } from "../bead/fields.js";
import { answerSignature, storedAnswer } from "../board/answer-cache.js";
import { lsAnswerKey, readyAnswerKey } from "./answer-keys.js";
import { loadBundle } from "./code-cache.js";
import { FAST_COMMANDS, type OptionRow } from "./fast-commands.js";
import { fastCommand, withBoardOptionAfterCommand, type FastCommand } from "./fast-path.js";
import { boardFor, processIo, type CliIo } from "./io.js";

/**
 * What bin/bead.js runs: a small bundle of its own (dist/bundle/launch.cjs) that answers a
 * repeated `bead ls --json` / `bead ready --json` on an unchanged board straight from the answer
 * store, and loads the CLI bundle (dist/bundle/bead.cjs, through V8's code cache) for everything
 * else. Agents and scripts poll those two queries; at 10,000 beads the stat calls that prove the
 * board unchanged are most of what such a query has to cost, and loading the CLI was as much again.
 */
export interface LaunchOptions {
  /** dist/bundle/bead.cjs */
  bundlePath: string;
  io?: CliIo;
}

export async function launch(given: string[], options: LaunchOptions): Promise<number> {
  const io = options.io ?? processIo();
  const argv = withBoardOptionAfterCommand(given);
  const answer = quickAnswer(argv, io);
  if (answer) {
    io.out(answer);
    return 0;
  }
  const bundle = loadBundle(options.bundlePath, { key: argv[0] ?? "", env: io.env });
  const main = bundle.exports.main as (argv: string[], io?: CliIo) => Promise<number>;
  const code = await main(argv, io);
  bundle.saveCache();
  return code;
}

/** The stored answer, if this is a JSON query the store holds a current answer to; else undefined, and the CLI answers. */
function quickAnswer(argv: string[], io: CliIo): Buffer | undefined {
  const fast = fastCommand(argv);
  if (!fast || fast.options.json !== true || (fast.name !== "ls" && fast.name !== "ready")) return undefined;
  // An option outside the answer's key (ls --text, say) is answered by the CLI, never from the store.
  const rows: readonly OptionRow[] = FAST_COMMANDS[fast.name].options;
  const keyed = new Set<string>(["json", "dir", ...rows.filter((row) => row.inAnswerKey === true).map((row) => row.name)]);
  if (Object.keys(fast.options).some((option) => !keyed.has(option))) return undefined;
  try {
    const paths = boardFor(io, { ...(typeof fast.options.dir === "string" ? { dir: fast.options.dir } : {}) });
    const signature = answerSignature(paths);
    return signature === undefined ? undefined : storedAnswer(paths, answerKey(fast), signature);
  } catch {
    return undefined; // not a board, unreadable: the CLI says what is wrong
  }
}

function answerKey(fast: FastCommand): string {
  const { status, agent, label, escalated } = fast.options;
  const query = {
    ...(Array.isArray(status) ? { status: status as Status[] } : {}),
    ...(typeof agent === "string" ? { agent } : {}),
    ...(Array.isArray(label) ? { label } : {}),
    ...(escalated === true ? { escalated } : {}),
  };
  return fast.name === "ls" ? lsAnswerKey(query) : readyAnswerKey(query);
}
