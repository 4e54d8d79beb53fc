import { InvalidArgumentError } from "../../errors.js";
import { startServer } from "../../serve/server.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";

interface ServeOptions extends GlobalOptions {
  port?: string;
  host?: string;
  token?: string;
}

/** `bead serve`: the live web board, until SIGINT/SIGTERM (one AbortSignal stops it all). */
export async function serve(io: CliIo, options: ServeOptions): Promise<void> {
  const paths = boardFor(io, options);
  const port = options.port === undefined ? 4747 : Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError(`--port takes a port number from 0 to 65535, got ${options.port}`);
  const token = options.token ?? io.env.BEAD_SERVE_TOKEN;
  const host = options.host ?? "127.0.0.1";
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    const server = await startServer({ paths, env: io.env, host, port, signal: controller.signal, log: (line) => io.err(`${line}\n`), ...(token !== undefined ? { token } : {}) });
    io.out(`bead serve: ${server.url}${token !== undefined && host !== "127.0.0.1" ? "?token=<your token>" : ""} (Ctrl-C stops)\n`);
    await server.closed;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}
