import { findBoard, type BoardPaths } from "../board/paths.js";

/** Everything a command touches of the outside world, so commands run the same in tests and in a terminal. */
export interface CliIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Bytes are written as they are: stored answers are already UTF-8 (see board/query-cache.ts). */
  out: (text: string | Uint8Array) => void;
  err(text: string): void;
  readStdin(): Promise<string>;
  columns: number | undefined;
  isTTY: boolean;
}

export function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    out: (text) => {
      if (outputStillRead(process.stdout)) process.stdout.write(text);
    },
    err: (text) => {
      if (outputStillRead(process.stderr)) process.stderr.write(text);
    },
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
    columns: process.stdout.columns,
    isTTY: process.stdout.isTTY === true,
  };
}

/**
 * `bead ls | head` closes the pipe before everything is written. Like git, say nothing of it;
 * unlike a process killed by SIGPIPE, finish the work (a commit, an agent's bead) and stop
 * writing. Any other write error is still thrown.
 */
const closed = new WeakSet<NodeJS.WriteStream>();
const watched = new WeakSet<NodeJS.WriteStream>();

function outputStillRead(stream: NodeJS.WriteStream): boolean {
  if (!watched.has(stream)) {
    watched.add(stream);
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
      closed.add(stream);
    });
  }
  return !closed.has(stream);
}

export interface GlobalOptions {
  dir?: string;
  json?: boolean;
}

export function boardFor(io: CliIo, options: GlobalOptions): BoardPaths {
  return findBoard(options.dir ? resolveFrom(io.cwd, options.dir) : io.cwd);
}

function resolveFrom(cwd: string, dir: string): string {
  return dir.startsWith("/") ? dir : `${cwd}/${dir}`;
}
