import { InvalidIdError } from "../errors.js";

/** Ids become file names: no separators, no leading dot, nothing a shell or git would trip on. */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_ID_LENGTH = 100;

export function isValidId(id: string): boolean {
  return id.length <= MAX_ID_LENGTH && ID_PATTERN.test(id) && !id.endsWith(".md") && !id.includes("..");
}

/** The id of `beads/<name>`, or undefined when the file name cannot be an id. */
export function idFromFileName(name: string): string | undefined {
  const id = name.slice(0, -".md".length);
  return isValidId(id) ? id : undefined;
}

export function assertValidId(id: string): string {
  if (id.length > MAX_ID_LENGTH) throw new InvalidIdError(id, `longer than ${MAX_ID_LENGTH} characters`);
  if (!isValidId(id)) {
    throw new InvalidIdError(id, "ids use letters, digits, '.', '_' and '-', start with a letter or digit, and are not paths");
  }
  return id;
}

export function assertValidPrefix(prefix: string): string {
  if (!/^[a-z0-9][a-z0-9-]{0,15}$/.test(prefix)) {
    throw new InvalidIdError(prefix, "a prefix is 1-16 lowercase letters, digits or '-'");
  }
  return prefix;
}

/**
 * How many base36 characters a new id needs so that a random one is unlikely to collide with
 * ids minted on other clones: 4 for small boards, growing with the board (36^L >= 1000 × beads).
 */
export function idLength(beadCount: number): number {
  let length = 4;
  while (36 ** length < 1000 * Math.max(beadCount, 1)) length++;
  return length;
}

/** `randomInt(n)` returns an integer in [0, n); injected so tests can be deterministic. */
export function generateId(
  prefix: string,
  exists: (id: string) => boolean,
  beadCount: number,
  randomInt: (max: number) => number,
): string {
  const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
  let length = idLength(beadCount);
  for (let attempt = 0; attempt < 100; attempt++) {
    let suffix = "";
    for (let i = 0; i < length; i++) suffix += alphabet[randomInt(36)];
    const id = `${prefix}-${suffix}`;
    if (!exists(id)) return id;
    // Collisions this early mean the board is denser than the estimate: widen.
    if (attempt % 10 === 9) length++;
  }
  throw new InvalidIdError(prefix, "could not find a free id after 100 tries");
}
