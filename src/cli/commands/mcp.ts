import { readBoardConfig } from "../../board/config.js";
import { InvalidArgumentError } from "../../errors.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";

interface McpOptions extends GlobalOptions {
  as?: string;
  remote?: boolean;
  http?: string;
}

/**
 * `bead mcp`: serve the board over MCP on stdin/stdout until the client hangs up. Stdout belongs
 * to the protocol: nothing else may print there. The SDK is loaded here and only here.
 */
export async function mcp(io: CliIo, options: McpOptions): Promise<void> {
  const paths = boardFor(io, options);
  const config = await readBoardConfig(paths.configFile);
  // A bundle of its own in the installed CLI (scripts/bundle.js): the SDK is read only here.
  const { serveHttp, serveStdio, validClaimerName, BOARD_COMMANDS } = await import("../mcp-server.js");
  if (options.as !== undefined && !validClaimerName(options.as)) throw new InvalidArgumentError(`--as ${JSON.stringify(options.as)}: a name uses letters, digits, '.', '_' and '-' (up to 64)`);
  const remote = options.remote === true || config.mcpRemote === true;
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const serveOptions = { paths, env: io.env, commands: BOARD_COMMANDS, ...(options.as ? { as: options.as } : {}), ...(remote ? { visibleMax: config.policy.remoteMax } : {}), version: "0.1.0" };
  try {
    if (options.http !== undefined) {
      const port = Number(options.http);
      if (!/^\d{1,5}$/.test(options.http) || port > 65535) throw new InvalidArgumentError(`--http ${JSON.stringify(options.http)}: a port number (0 picks a free one)`);
      const token = io.env.BEAD_MCP_TOKEN ?? "";
      if (token.length < 16) throw new InvalidArgumentError("--http needs a token of at least 16 characters in BEAD_MCP_TOKEN; clients send it as `Authorization: Bearer <token>`");
      await serveHttp(serveOptions, port, token, stop.signal, (bound) => io.err(`bead mcp: listening on http://127.0.0.1:${bound}/mcp\n`));
    } else {
      await serveStdio(serveOptions, process.stdin, process.stdout, stop.signal);
    }
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
