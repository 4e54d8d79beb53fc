import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { RequestRefusedError } from "../errors.js";

/**
 * Who may use the board. On loopback the Host header must name the loopback address we
 * listen on (a DNS-rebinding page gets its own name there). With --host, a token is required:
 * the person opens /?token=T once; we answer with an HttpOnly session cookie (not the token)
 * and the token never reaches the page's script. Every state-changing request also needs the
 * same origin and the CSRF token that /api/session hands to same-origin script only.
 */
export interface Gate {
  /**
   * host:port values the Host header may carry on loopback; null with --host, where people reach
   * the machine by names we cannot know (0.0.0.0 has none) and the token guards every request.
   */
  hosts: ReadonlySet<string> | null;
  /** The access token (--token), or undefined on loopback. */
  token: string | undefined;
  csrf: string;
  session: string;
}

export const SESSION_COOKIE = "bead_session";

export function makeGate(host: string, port: number, token: string | undefined): Gate {
  const loopback = host === "127.0.0.1" || host === "localhost" || host === "::1";
  return {
    hosts: loopback ? new Set(["127.0.0.1", "localhost", "[::1]"].map((name) => `${name}:${port}`)) : null,
    token,
    csrf: randomBytes(24).toString("base64url"),
    session: randomBytes(24).toString("base64url"),
  };
}

export function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  // Hashing first makes the lengths equal, so the comparison takes the same time whatever was sent.
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Every request: the Host must be ours; with a token, the session cookie (or a bearer token) must be shown. */
export function checkHost(gate: Gate, req: IncomingMessage): void {
  if (gate.hosts !== null && !gate.hosts.has(req.headers.host ?? "")) throw new RequestRefusedError(421, `this server answers only to ${[...gate.hosts].join(", ")}`);
}

export function checkAccess(gate: Gate, req: IncomingMessage): void {
  checkHost(gate, req);
  if (gate.token === undefined) return;
  const auth = req.headers.authorization;
  if (auth?.startsWith("Bearer ") && sameSecret(auth.slice(7), gate.token)) return;
  if (sameSecret(cookie(req, SESSION_COOKIE), gate.session)) return;
  throw new RequestRefusedError(401, "open the board's address with ?token=<the token given to bead serve> first");
}

/** A state-changing request: same origin and the CSRF token. */
export function checkWrite(gate: Gate, req: IncomingMessage): void {
  const origin = req.headers.origin;
  const fetchSite = req.headers["sec-fetch-site"];
  if (fetchSite !== undefined && fetchSite !== "same-origin") throw new RequestRefusedError(403, "refused: a request from another site");
  const originHost = origin?.replace(/^https?:\/\//, "");
  if (originHost === undefined || originHost !== req.headers.host || (gate.hosts !== null && !gate.hosts.has(originHost))) {
    throw new RequestRefusedError(403, "refused: a state-changing request must come from the board's own page (Origin)");
  }
  const csrf = req.headers["x-csrf-token"];
  if (!sameSecret(typeof csrf === "string" ? csrf : undefined, gate.csrf)) throw new RequestRefusedError(403, "refused: missing or wrong CSRF token (reload the page)");
}

/** `/?token=T`: a session cookie in exchange for the right token. */
export function sessionCookieFor(gate: Gate, url: URL): string | undefined {
  if (gate.token === undefined || !sameSecret(url.searchParams.get("token") ?? undefined, gate.token)) return undefined;
  return `${SESSION_COOKIE}=${gate.session}; HttpOnly; SameSite=Strict; Path=/`;
}
