/**
 * Names and leases (issue 14, item 14). Pure. A holder name is what `claimed_by` records and
 * what every later release, renewal and write-back compares against, so garbage (an empty
 * name, spaces, control characters) is refused before it is written; a lease is bounded by
 * the board's maximum (default 24 h), so nobody holds a bead forever.
 */
import { InvalidArgumentError } from "../errors.js";

export const DEFAULT_MAX_LEASE_MS = 24 * 3_600_000;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Why `name` (an agent name, or `name@host`) cannot hold a bead; undefined when it can. */
export function holderNameProblem(name: string): string | undefined {
  const parts = name.split("@");
  if (parts.length > 2) return "a holder name has at most one @ (name@host)";
  if (parts.some((part) => !NAME.test(part))) return "a holder name is letters, digits, '.', '_' or '-', starting with a letter or digit, at most 64 characters (name or name@host)";
  return undefined;
}

export function assertHolderName(name: string, what = "--as"): void {
  const problem = holderNameProblem(name);
  if (problem) throw new InvalidArgumentError(`${what} ${JSON.stringify(name)} refused: ${problem}`, { name });
}

export function assertLease(leaseMs: number, maxLeaseMs: number = DEFAULT_MAX_LEASE_MS): void {
  if (!(leaseMs > 0) || !Number.isFinite(leaseMs)) throw new InvalidArgumentError(`a lease must be a positive duration, got ${leaseMs} ms`);
  if (leaseMs > maxLeaseMs) {
    throw new InvalidArgumentError(`a lease of ${Math.round(leaseMs / 60_000)} min is over this board's maximum of ${Math.round(maxLeaseMs / 60_000)} min (max_lease in .beadboard.yml); claim for less and renew`, { leaseMs, maxLeaseMs });
  }
}

/** A `lease_until` further ahead than the maximum is not honoured: the bead counts as free. */
export function leaseBeyondMaximum(leaseUntilMs: number, now: number, maxLeaseMs: number = DEFAULT_MAX_LEASE_MS): boolean {
  return leaseUntilMs > now + maxLeaseMs;
}
