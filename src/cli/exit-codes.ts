import { isBeadboardError, type ErrorCode } from "../errors.js";

/**
 * The one place that decides exit codes (DESIGN §7): 0 ok, 1 invalid input or failure, 2 not found,
 * 3 claim refused; a long-running command stopped by a signal exits as shells expect: 128 + the
 * signal number (130 SIGINT, 143 SIGTERM), after releasing what it held.
 */
export const EXIT = { ok: 0, failure: 1, notFound: 2, claimRefused: 3, interrupted: 130, terminated: 143 } as const;

const BY_CODE: Partial<Record<ErrorCode, number>> = {
  E_NOT_FOUND: EXIT.notFound,
  E_CLAIM_REFUSED: EXIT.claimRefused,
  E_NOT_HOLDER: EXIT.claimRefused,
};

export function exitCodeFor(error: unknown): number {
  return isBeadboardError(error) ? (BY_CODE[error.code] ?? EXIT.failure) : EXIT.failure;
}

/** What a person sees: our errors are already plain sentences; anything else is a bug, so show the stack when asked. */
export function describeError(error: unknown, debug: boolean): string {
  if (isBeadboardError(error)) return `bead: ${error.message}`;
  if (error instanceof Error) return debug && error.stack ? `bead: internal error: ${error.stack}` : `bead: internal error: ${error.message} (set BEAD_DEBUG=1 for details)`;
  return `bead: internal error: ${String(error)}`;
}
