/**
 * `bead mcp`'s server with the CLI's commands it runs: the entry of dist/bundle/mcp.cjs
 * (scripts/bundle.js), loaded only by `bead mcp` and doctor's check of it. mcp/ sits below cli/
 * and is handed the commands (mcp/context.ts, BoardCommands); they are bundled here, with the
 * server, so that the errors they throw are the same classes the tools recognise.
 */
import { beadJson } from "./output.js";
import { claim, release } from "./commands/claim.js";
import { close, reopen } from "./commands/close.js";
import { depAdd, depRm } from "./commands/dep.js";
import { lint } from "./commands/lint.js";
import { log } from "./commands/log.js";
import { ls } from "./commands/ls.js";
import { newBead } from "./commands/new.js";
import { ready } from "./commands/ready.js";
import { search } from "./commands/search.js";
import { set } from "./commands/set.js";
import type { BoardCommands } from "../mcp/context.js";

export { checkMcpServer, serveHttp, serveStdio, validClaimerName } from "../mcp/server.js";

/** What the MCP tools run: the commands themselves, in this process (mcp/context.ts says why). */
export const BOARD_COMMANDS: BoardCommands = { ls, ready, search, lint, log, claim, release, close, reopen, depAdd, depRm, newBead, set, beadJson };
