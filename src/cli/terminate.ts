import { EXIT } from "./exit-codes.js";

/** A process-wide stop: the first SIGINT or SIGTERM aborts the signal; what stopped it decides the exit code. */
export interface Termination {
  signal: AbortSignal;
  /** 130 after SIGINT, 143 after SIGTERM, undefined while nothing stopped us. */
  exitCode(): number | undefined;
  /** Gives SIGINT and SIGTERM back to Node's defaults (a second signal then kills at once). */
  dispose(): void;
}

export function untilTerminated(): Termination {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const on = (name: NodeJS.Signals) => () => {
    received ??= name;
    controller.abort(new Error(`stopped by ${name}`));
    // One signal asks for a clean stop; a second one is the person insisting: Node's default then.
    dispose();
  };
  const onInt = on("SIGINT");
  const onTerm = on("SIGTERM");
  process.once("SIGINT", onInt);
  process.once("SIGTERM", onTerm);
  function dispose(): void {
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
  }
  return {
    signal: controller.signal,
    exitCode: () => (received === "SIGINT" ? EXIT.interrupted : received === "SIGTERM" ? EXIT.terminated : undefined),
    dispose,
  };
}
