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

/**
 * The holder name a git identity claims under (issue 14, item 14): the local part of its email,
 * made a valid name. `Ada <ada.l@example.com>` → `ada.l`; an agent's identity
 * (`codemonkey@host.beadboard`) → `codemonkey`, so agents in `bead up` match by construction.
 */
export function identityHolderName(identity: { name: string; email: string }): string {
  const local = identity.email.split("@")[0] ?? "";
  const cleaned = local.replace(/[^A-Za-z0-9._-]/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, 64);
  return cleaned || identity.name.replace(/[^A-Za-z0-9._-]/g, "-").replace(/^[^A-Za-z0-9]+/, "").slice(0, 64) || "unknown";
}

/**
 * Who may claim or release, given `--as` and the board's `claim_as` setting. With
 * `claim_as: git-identity` the name is the committer's own (derived when `--as` is left out); a
 * different `--as` is refused, so nobody claims or releases in someone else's name. The host part
 * of `name@host` is not an identity and is not compared.
 */
export function claimantName(as: string | undefined, claimAs: "any" | "git-identity", identity: { name: string; email: string }, command: "claim" | "release" = "claim"): string {
  if (claimAs === "any") {
    if (as === undefined) throw new InvalidArgumentError("--as <name> is required: who claims or holds the bead (or set claim_as: git-identity in .beadboard.yml to use your git identity)");
    return as;
  }
  const own = identityHolderName(identity);
  if (as === undefined) return own;
  const name = as.split("@")[0] ?? as;
  if (name !== own) {
    throw new InvalidArgumentError(
      `--as ${JSON.stringify(as)} refused: this board requires holder names to match the git identity (claim_as: git-identity in .beadboard.yml); you are ${own} (${identity.name} <${identity.email}>): use --as ${own} or leave --as out` +
        // A person taking a bead back from an agent (stuck, or the wrong one) has a command for that.
        (command === "release" ? `; to take a bead back from its holder, run bead reopen <id>` : ""),
      { as, identity: own },
    );
  }
  return as;
}
