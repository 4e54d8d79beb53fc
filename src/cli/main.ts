import type { Command } from "commander";
import { describeError, EXIT, exitCodeFor } from "./exit-codes.js";
import { processIo, type CliIo } from "./io.js";
import { FAST_COMMANDS, usageOf, type FastCommandName, type FastCommandSpec } from "./fast-commands.js";
import { fastCommand, withBoardOptionAfterCommand } from "./fast-path.js";

/**
 * The `bead` command line. Commands live one per file under ./commands and are imported only
 * when run, so that read-only commands start fast (DESIGN §11). Commands throw; this is the
 * one place that turns an error into a message and an exit code.
 */
export async function main(given: string[], io: CliIo = processIo()): Promise<number> {
  const argv = withBoardOptionAfterCommand(given);
  const fast = fastCommand(argv);
  if (fast) {
    try {
      const module = (await COMMAND_FILES[fast.name]()) as unknown as Record<string, Run>;
      const run = module[fast.name] as (io: CliIo, ...args: unknown[]) => Promise<number | void>;
      const code = await run(io, ...fast.args, fast.options);
      return typeof code === "number" ? code : EXIT.ok;
    } catch (error) {
      io.err(`${describeError(error, io.env.BEAD_DEBUG === "1")}\n`);
      return exitCodeFor(error);
    }
  }
  // Loaded here, not at the top: the fast path above never needs it (~10-15 ms of start-up).
  const commander = await import("commander");
  let exitCode: number = EXIT.ok;
  const program = buildProgram(commander, io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof commander.CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.failure;
    io.err(`${describeError(error, io.env.BEAD_DEBUG === "1")}\n`);
    return exitCodeFor(error);
  }
}

type Run = (io: CliIo, ...args: never[]) => Promise<number | void>;

/**
 * Each command's module, loaded only when that command runs. Spelled out (not a template
 * string) so that bundlers and test runners can see every import, and typos fail to compile.
 */
const COMMAND_FILES = {
  agent: () => import("./commands/agent.js"),
  archive: () => import("./commands/archive.js"),
  board: () => import("./commands/board.js"),
  claim: () => import("./commands/claim.js"),
  close: () => import("./commands/close.js"),
  edit: () => import("./commands/edit.js"),
  export: () => import("./commands/export.js"),
  import: () => import("./commands/import.js"),
  check: () => import("./commands/check.js"),
  comment: () => import("./commands/comment.js"),
  dep: () => import("./commands/dep.js"),
  diff: () => import("./commands/diff.js"),
  merge: () => import("./commands/merge.js"),
  escalation: () => import("./commands/escalation.js"),
  init: () => import("./commands/init.js"),
  lint: () => import("./commands/lint.js"),
  log: () => import("./commands/log.js"),
  mcp: () => import("./commands/mcp.js"),
  ls: () => import("./commands/ls.js"),
  new: () => import("./commands/new.js"),
  ready: () => import("./commands/ready.js"),
  set: () => import("./commands/set.js"),
  show: () => import("./commands/show.js"),
  search: () => import("./commands/search.js"),
  doctor: () => import("./commands/doctor.js"),
  models: () => import("./commands/models.js"),
  "models-check": () => import("./commands/models-check.js"),
  up: () => import("./commands/up.js"),
  sync: () => import("./commands/sync.js"),
  stats: () => import("./commands/stats.js"),
  serve: () => import("./commands/serve.js"),
  eval: () => import("./commands/eval.js"),
} as const;
type CommandFile = keyof typeof COMMAND_FILES;

function buildProgram(commander: typeof import("commander"), io: CliIo, setExit: (code: number) => void): Command {
  const { Command, InvalidArgumentError, Option } = commander;
  const program = new Command("bead")
    .description("a git-native bead board: work items are markdown files in git, worked by agents")
    .version("0.1.0")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError();

  /** Wire a subcommand to `./commands/<file>.js` export `name`, with -C and (optionally) --json. */
  const command = (parent: Command, spec: string, description: string, file: CommandFile, exportName: string, withJson = false): Command => {
    const sub = parent.command(spec).description(description).option("-C, --dir <board>", "the board (default: the enclosing git repo)");
    if (withJson) sub.option("--json", "print JSON");
    sub.action(async (...args: unknown[]) => {
      const module = (await COMMAND_FILES[file]()) as unknown as Record<string, Run>;
      const run = module[exportName] as (io: CliIo, ...rest: unknown[]) => Promise<number | void>;
      // commander passes positional args, then the options object, then the command.
      const code = await run(io, ...args.slice(0, -1));
      if (typeof code === "number") setExit(code);
    });
    return sub;
  };

  const collect = (value: string, previous: string[] = []) => [...previous, value];
  // A custom argParser replaces commander's choices() check, so the collector checks the choice itself.
  const collectChoice = (choices: readonly string[]) => (value: string, previous: string[] = []) => {
    if (!choices.includes(value)) throw new InvalidArgumentError(`Allowed choices are ${choices.join(", ")}.`);
    return [...previous, value];
  };
  /** A command of the fast path's table (fast-commands.ts), with its options as the table has them. */
  const fromTable = (name: FastCommandName): Command => {
    const spec: FastCommandSpec = FAST_COMMANDS[name];
    const sub = command(program, usageOf(name), spec.description, name, name, spec.json);
    for (const row of spec.options) {
      const option = new Option(row.kind === "flag" ? `--${row.name}` : `--${row.name} <${row.placeholder ?? "value"}>`, row.description);
      if (row.choices) option.choices([...row.choices]);
      if (row.kind === "list") option.argParser(row.choices ? collectChoice(row.choices) : collect);
      if (row.default !== undefined) option.default(row.default);
      if (row.required) option.makeOptionMandatory();
      sub.addOption(option);
    }
    return sub;
  };

  command(program, "init", "prepare this git repo (or a new one) as a board", "init", "init").option("--prefix <prefix>", "id prefix for new beads").option("--remote <url>", "remote git URL to sync with")
    .option("--agents <names>", "keep a marked block of board instructions in AGENTS.md and these agents' files: claude, qwen, gemini, codex")
    .option("--embedded", "also add agents/tiny.md, an agent whose small model runs inside bead (no server; `bead models pull` fetches it)");
  command(program, "new <title>", "create a bead; prints its id", "new", "newBead", true)
    .option("--body <text>", "the bead's markdown body ('-' reads stdin)")
    .option("--priority <n>", "0 urgent … 4 someday")
    .option("--type <type>", "task | bug | research | chore | epic")
    .option("--label <label>", "a label (repeatable)", collect)
    .option("--agent <name>", "who should do it")
    .option("--dep <id>", "a bead that must be done first (repeatable)", collect)
    .option("--sensitivity <level>", "public | internal | private | secret");
  fromTable("ls");
  command(program, "approve <id>", "allow a remote model for an escalated bead (a commit)", "escalation", "approve");
  command(program, "deny <id> [reason]", "refuse a remote model for an escalated bead (a commit)", "escalation", "deny");
  fromTable("search");
  command(program, "show <id>", "show one bead", "show", "show", true);
  fromTable("ready");
  command(program, "blocked", "beads waiting on others, with what blocks them", "ready", "blocked", true);
  fromTable("set");
  command(program, "archive [ids...]", "move finished beads to beads/archive/ in one commit", "archive", "archive", true).option(
    "--done-before <date>",
    "every finished bead last changed before this date (2026-01-31) or this long ago (30d)",
  );
  command(program, "import <path>", "import Backlog.md tasks (--from backlog <dir>) or a bd export (--from beads <issues.jsonl>)", "import", "importBeads", true).requiredOption(
    "--from <tracker>",
    "backlog | beads",
  );
  command(program, "export", "every bead on stdout", "export", "exportBeads").option("--format <format>", "jsonl | md", "jsonl");
  command(program, "edit <id>", "edit the bead in $VISUAL/$EDITOR, check it, commit it", "edit", "edit");
  command(program, "close <id>", "mark a bead done", "close", "close")
    .option("--reason <text>", "why it is closed")
    .option("--force", "close even with acceptance checklist items open");
  command(program, "check <id> <n>", "tick checklist item n (as bead show numbers them)", "check", "check");
  command(program, "uncheck <id> <n>", "clear checklist item n", "check", "uncheck");
  command(program, "comment <id> <text...>", "append a comment (author, time) to the bead's ## Comments; '-' reads stdin", "comment", "comment", true);
  command(program, "reopen <id>", "put a bead back to open", "close", "reopen");
  const dep = program.command("dep").description("manage dependencies");
  command(dep, "add <id> <blocker>", "make <id> wait for <blocker>", "dep", "depAdd");
  command(dep, "rm <id> <blocker>", "remove a dependency", "dep", "depRm");
  fromTable("claim");
  command(program, "release <id>", "give a claimed bead back", "claim", "release").option("--as <name>", "who holds it (required unless claim_as: git-identity)");
  command(program, "lint [paths...]", "check beads and agent files; exit 1 on any problem", "lint", "lint", true)
    .option("--staged", "check the versions staged for commit")
    .option("--watch", "check again on every change to beads/ or agents/ until interrupted (editors read this)");
  command(program, "log <id>", "the bead's history from git", "log", "log", true)
    .option("--transcript", "what its acting agent did, step by step (this machine's .git/beadboard/transcripts/)")
    .option("--attempt <n>", "with --transcript: only this attempt");
  command(program, "diff <id>", "what the bead's work branch bead/<id> changed since it left the board's branch", "diff", "diff", true).option("--stat", "the diffstat only");
  command(program, "merge <id>", "merge the bead's work branch bead/<id> into the board's branch, then delete it", "merge", "merge", true);
  command(program, "board", "terminal kanban (open beads waiting on deps show as blocked)", "board", "board", true).option("--watch", "redraw on every change until interrupted");
  const agent = program.command("agent").description("agents of this board");
  command(agent, "ls", "each agent, its model and what it is doing", "agent", "agentLs", true);
  command(agent, "start <name>", "run one agent in the foreground", "up", "agentStart")
    .option("--once", "work everything ready, then exit")
    .option("--local-only", "refuse remote model providers");
  command(program, "up", "run every agent of the board in this process", "up", "up")
    .option("--once", "work everything ready, then exit")
    .option("--webhook <port>", "sync at once when the git server reports a push (secret: BEAD_WEBHOOK_SECRET)")
    .option("--agents <names>", "only these agents (comma-separated)")
    .option("--local-only", "refuse remote model providers");
  command(program, "doctor", "check the board, hooks, model servers and models", "doctor", "doctor", true).option("--fix", "remove a stale index.lock and reset board files staged differently from HEAD")
    .option("--load", "also load each embedded agent's model (up to 2 minutes each) to prove it works");
  const models = program.command("models").description("GGUF models for embedded agents (the cache: $BEAD_MODELS_DIR or ~/.cache/beadboard/models)");
  command(models, "pull <uri>", "download hf:<user>/<repo>:<quant> into the cache (resumable)", "models", "modelsPull", true);
  command(models, "ls", "cached models, their sizes and which agents use them", "models", "modelsLs", true);
  command(models, "rm <target>", "remove a cached model (hf: URI or file name)", "models", "modelsRm", true);
  command(program, "eval [agents...]", "tool-use evaluation of agents' models on built-in and evals/ tasks (exit 1 when one is not ready)", "eval", "evalAgents", true)
    .option("--parallel <n>", "tasks at once (default: the agent's concurrency, at most its server's limit BEAD_SERVER_CONCURRENCY)")
    .option("--only <task-or-category>", "only this task id or category (repeatable)", collect)
    .option("--no-builtin", "only the board's own tasks in evals/")
    .option("--min-pass <share>", "share of tasks to pass to be ready (default 0.75)")
    .option("--list", "list the tasks (id, category, title, file) and run nothing");
  command(models, "check [agents...]", "time to first token, tokens/s, memory and prompt cuts of each agent's model, with a verdict", "models-check", "modelsCheck", true);
  command(program, "stats", "throughput, latency, tokens, cost, local share, gate and shadow results", "stats", "stats", true);
  command(program, "mcp", "serve the board to coding agents over the Model Context Protocol (stdio)", "mcp", "mcp")
    .option("--as <name>", "who claims through this server (default: the client's name)")
    .option("--remote", "treat the client as remote: no private or secret beads or memory")
    .option("--http <port>", "serve Streamable HTTP on 127.0.0.1:<port> instead of stdio (token: BEAD_MCP_TOKEN)");
  command(program, "serve", "the live web board on http://127.0.0.1:4747/ (Ctrl-C stops)", "serve", "serve")
    .option("--port <n>", "port to listen on (0: any free one)", "4747")
    .option("--host <address>", "listen on another address than 127.0.0.1 (needs --token)")
    .option("--token <secret>", "access token required with --host (or BEAD_SERVE_TOKEN)");
  command(program, "sync", "fetch, merge (bead-aware) and push to the board's remote", "sync", "sync", true).option("--no-push", "fetch and merge only");
  return program;
}
