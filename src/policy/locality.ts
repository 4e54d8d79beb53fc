/**
 * Is a model server on this machine or network ("local") or somewhere else ("remote")? Pure:
 * decided from the URL text alone, never by resolving DNS, so that a name cannot be made
 * "local" by whoever controls a resolver. When in doubt the answer is "remote", because the
 * gate lets less through to remote providers.
 *
 * Local: loopback (127.0.0.0/8, ::1, localhost), unspecified (0.0.0.0, ::, which Ollama users
 * set as OLLAMA_HOST and which connect to this machine), private ranges (10/8, 172.16/12,
 * 192.168/16, link-local 169.254/16, fc00::/7, fe80::/10, and these as IPv4-mapped IPv6),
 * names under .localhost .local .lan .internal .home.arpa, and bare single-label names
 * (`gpu-box`), which only a local resolver can answer. Everything else, including
 * carrier-grade NAT (100.64/10, e.g. Tailscale) and names like 127.0.0.1.nip.io, is remote.
 */
export type Locality = "local" | "remote";

const LOCAL_SUFFIXES = [".localhost", ".local", ".lan", ".internal", ".home.arpa"];

export function hostLocality(url: string | undefined): Locality {
  return explainHostLocality(url).locality;
}

/** hostLocality with the reason, in words, for `bead agent ls` and `doctor`. */
export function explainHostLocality(url: string | undefined): { locality: Locality; why: string } {
  if (url === undefined) return { locality: "local", why: "no model server (builtin)" };
  const host = hostnameOf(url.trim());
  if (host === undefined) return { locality: "remote", why: `host of ${JSON.stringify(url)} cannot be read, so counted remote` };
  if (host.startsWith("[")) {
    return isLocalIpv6(host.slice(1, -1)) ? { locality: "local", why: `${host} is a loopback, private or link-local IPv6 address` } : { locality: "remote", why: `${host} is a public IPv6 address` };
  }
  const ipv4 = parseIpv4(host);
  if (ipv4) return isLocalIpv4(ipv4) ? { locality: "local", why: `${host} is a loopback or private address` } : { locality: "remote", why: `${host} is not a private address (carrier-grade NAT and public addresses count remote)` };
  const name = host.replace(/\.$/, "").toLowerCase();
  if (name === "localhost") return { locality: "local", why: "localhost" };
  const suffix = LOCAL_SUFFIXES.find((candidate) => name.endsWith(candidate));
  if (suffix) return { locality: "local", why: `${name} is under ${suffix}, a local-network name` };
  if (/^[a-z0-9-]+$/.test(name) && !/^[0-9]+$/.test(name)) return { locality: "local", why: `${name} is a single-label name, which only a local resolver answers` };
  return { locality: "remote", why: `${name} is a public DNS name` };
}

function hostnameOf(raw: string): string | undefined {
  if (raw === "") return undefined;
  // `host:port` and bare hosts have no scheme; URL would read `localhost:11434` as scheme "localhost".
  const withScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(raw) ? raw : `http://${raw}`;
  try {
    // WHATWG URL canonicalises hosts: 127.1 and 2130706433 become 127.0.0.1, ::ffff:7f00:1 stays
    // bracketed, IDNs become punycode, so the checks below see one spelling per address.
    const host = new URL(withScheme).hostname;
    return host === "" ? undefined : host;
  } catch {
    return undefined;
  }
}

function parseIpv4(host: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return undefined;
  const octets = m.slice(1).map(Number);
  return octets.every((o) => o <= 255) ? octets : undefined;
}

function isLocalIpv4([a = 0, b = 0]: number[]): boolean {
  return (
    a === 127 ||
    a === 10 ||
    a === 0 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254)
  );
}

/** Expand an IPv6 literal (as URL prints it: lower-case, compressed) to eight 16-bit groups. */
function parseIpv6(address: string): number[] | undefined {
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === "") return [];
    const groups = part.split(":").map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN));
    return groups.some(Number.isNaN) ? undefined : groups;
  };
  const head = parse(halves[0] ?? "");
  const tail = halves.length === 2 ? parse(halves[1] ?? "") : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

function isLocalIpv6(address: string): boolean {
  const g = parseIpv6(address);
  if (!g) return false;
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const upperZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (upperZero && g5 === 0 && g6 === 0 && (g7 === 0 || g7 === 1)) return true; // :: and ::1
  if (upperZero && g5 === 0xffff) return isLocalIpv4([g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff]); // ::ffff:a.b.c.d
  if ((g0 & 0xfe00) === 0xfc00) return true; // fc00::/7 unique local
  if ((g0 & 0xffc0) === 0xfe80) return true; // fe80::/10 link-local
  return false;
}
