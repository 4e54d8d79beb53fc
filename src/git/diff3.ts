/**
 * A small three-way line merge (diff3), pure. Lines keep their line breaks, so a merge that
 * takes one side's lines gives back that side's bytes. Where both sides changed the same lines
 * differently, nothing is dropped: both versions are kept one after the other (ours first), or
 * for append-mostly files (memory/) ours and then the lines of theirs that ours does not have.
 */

/** What to do where both sides changed the same region differently. */
export type ConflictStyle = "keep-both" | "union";

export interface Merge3Result {
  text: string;
  /** How many regions of the base both sides changed differently (each resolved by `style`). */
  conflicts: number;
  /** How many places both sides inserted different lines into (kept both, ours first, or as `style` says). */
  insertions: number;
}

/** Beyond this many edits the diff gives up looking for matches in the middle (memory stays ~D² ints). */
const MAX_EDITS = 2000;

/** `text` as lines, each with its line break; the last line may lack one. */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf("\n", start);
    if (nl === -1) {
      if (start < text.length) lines.push(text.slice(start));
      return lines;
    }
    lines.push(text.slice(start, nl + 1));
    start = nl + 1;
  }
}

/**
 * For each line of `a`, the index of its partner in `b` in a longest common subsequence, or -1.
 * Common prefix and suffix first (most edits are small), Myers' O(ND) diff on the rest.
 */
export function matchLines(a: readonly string[], b: readonly string[]): Int32Array {
  const ids = new Map<string, number>();
  const intern = (line: string): number => {
    let id = ids.get(line);
    if (id === undefined) {
      id = ids.size;
      ids.set(line, id);
    }
    return id;
  };
  const A = a.map(intern);
  const B = b.map(intern);
  const out = new Int32Array(A.length).fill(-1);
  let pre = 0;
  while (pre < A.length && pre < B.length && A[pre] === B[pre]) {
    out[pre] = pre;
    pre++;
  }
  let suf = 0;
  while (suf < A.length - pre && suf < B.length - pre && A[A.length - 1 - suf] === B[B.length - 1 - suf]) {
    out[A.length - 1 - suf] = B.length - 1 - suf;
    suf++;
  }
  myers(A, pre, A.length - suf, B, pre, B.length - suf, out);
  return out;
}

function myers(A: number[], a0: number, a1: number, B: number[], b0: number, b1: number, out: Int32Array): void {
  const n = a1 - a0;
  const m = b1 - b0;
  if (n === 0 || m === 0) return;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= Math.min(max, MAX_EDITS); d++) {
    trace.push(v.slice(offset - d, offset + d + 1));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && A[a0 + x] === B[b0 + y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        backtrack(trace, n, m, a0, b0, out);
        return;
      }
    }
  }
  // Too different to be worth matching line by line: the middle counts as wholly changed.
}

function backtrack(trace: Int32Array[], n: number, m: number, a0: number, b0: number, out: Int32Array): void {
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    if (d === 0) {
      while (x > 0 && y > 0) out[a0 + --x] = b0 + --y;
      return;
    }
    const v = trace[d]!;
    const at = (k: number): number => v[k + d]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) out[a0 + --x] = b0 + --y;
    x = prevX;
    y = prevY;
  }
}

/** Three-way merge of texts by lines. */
export function merge3(base: string, ours: string, theirs: string, style: ConflictStyle = "keep-both"): Merge3Result {
  if (ours === theirs || theirs === base) return { text: ours, conflicts: 0, insertions: 0 };
  if (ours === base) return { text: theirs, conflicts: 0, insertions: 0 };
  const O = splitLines(base);
  const A = splitLines(ours);
  const B = splitLines(theirs);
  const mA = matchLines(O, A);
  const mB = matchLines(O, B);
  const out: string[] = [];
  let conflicts = 0;
  let insertions = 0;
  const resolve = (o: string[], x: string[], y: string[]): void => {
    if (same(x, o)) out.push(...y);
    else if (same(y, o) || same(x, y)) out.push(...x);
    else {
      if (o.length === 0) insertions++;
      else conflicts++;
      out.push(...x, ...(style === "union" ? unseen(y, x) : y));
    }
  };
  let i = 0;
  let a = 0;
  let b = 0;
  for (;;) {
    let j = i;
    while (j < O.length && (mA[j] === -1 || mB[j] === -1)) j++;
    if (j === O.length) {
      resolve(O.slice(i), A.slice(a), B.slice(b));
      break;
    }
    const ja = mA[j]!;
    const jb = mB[j]!;
    if (j === i && ja === a && jb === b) {
      out.push(O[i]!);
      i++;
      a++;
      b++;
      continue;
    }
    resolve(O.slice(i, j), A.slice(a, ja), B.slice(b, jb));
    i = j;
    a = ja;
    b = jb;
  }
  return { text: join(out, eolOf(ours)), conflicts, insertions };
}

function same(x: readonly string[], y: readonly string[]): boolean {
  return x.length === y.length && x.every((line, index) => line === y[index]);
}

/** Lines of `y` whose text `x` does not already have (for memory files: both sides' notes, once). */
function unseen(y: readonly string[], x: readonly string[]): string[] {
  const have = new Set(x.map((line) => line.replace(/\r?\n$/, "").trim()));
  return y.filter((line) => !have.has(line.replace(/\r?\n$/, "").trim()));
}

/** Concatenate lines; a line that lost its place at the end of a file gets its line break back. */
function join(lines: readonly string[], eol: string): string {
  let text = "";
  lines.forEach((line, index) => {
    text += index < lines.length - 1 && !line.endsWith("\n") ? line + eol : line;
  });
  return text;
}

function eolOf(text: string): string {
  const nl = text.indexOf("\n");
  return nl > 0 && text.charAt(nl - 1) === "\r" ? "\r\n" : "\n";
}
