// A prototype, for measurement only (not used by the product): the same one-file commit that
// src/git/commit-paths.ts makes through isomorphic-git, done with node:zlib and node:crypto on
// loose objects, with the index entry patched in place (index v2/v3, extensions dropped as
// isomorphic-git does). It shows what a native fast path would cost in a cold process.
// Only handles the common case: HEAD's commit and trees are loose objects (true after any
// commit by bead), the path already in HEAD and in the index.
//
// Usage: node bench/proto-native-commit.js <board> <id>...   prints JSON timings
import { createHash } from "node:crypto";
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { deflateSync, inflateSync } from "node:zlib";

const t0 = performance.now();
const [board, ...ids] = process.argv.slice(2);
const gitdir = join(board, ".git");

function readLoose(oid) {
  const raw = inflateSync(readFileSync(join(gitdir, "objects", oid.slice(0, 2), oid.slice(2))));
  const nul = raw.indexOf(0);
  return { type: raw.subarray(0, raw.indexOf(0x20)).toString(), body: raw.subarray(nul + 1) };
}

function writeLoose(type, body) {
  const header = Buffer.from(`${type} ${body.length}\0`);
  const oid = createHash("sha1").update(header).update(body).digest("hex");
  const path = join(gitdir, "objects", oid.slice(0, 2), oid.slice(2));
  if (!existsSync(path)) {
    mkdirSync(join(gitdir, "objects", oid.slice(0, 2)), { recursive: true });
    const tmp = `${path}.tmp${process.pid}`;
    writeFileSync(tmp, deflateSync(Buffer.concat([header, body]), { level: 1 }));
    renameSync(tmp, path);
  }
  return oid;
}

/** Replace the oid of entry `name` in a tree body; returns the new body (same length). */
function replaceInTree(body, name, oid) {
  const want = Buffer.from(name);
  let pos = 0;
  while (pos < body.length) {
    const space = body.indexOf(0x20, pos);
    const nul = body.indexOf(0, space);
    if (nul - space - 1 === want.length && body.compare(want, 0, want.length, space + 1, nul) === 0) {
      const out = Buffer.from(body);
      Buffer.from(oid, "hex").copy(out, nul + 1);
      return { body: out, old: body.subarray(nul + 1, nul + 21).toString("hex") };
    }
    pos = nul + 21;
  }
  throw new Error(`${name} not in tree`);
}

function patchIndex(filepath, oid, stat) {
  const index = readFileSync(join(gitdir, "index"));
  if (index.toString("latin1", 0, 4) !== "DIRC") throw new Error("not an index");
  const version = index.readUInt32BE(4);
  if (version !== 2 && version !== 3) throw new Error(`index v${version}`);
  const count = index.readUInt32BE(8);
  const want = Buffer.from(filepath);
  let pos = 12;
  let found = -1;
  for (let i = 0; i < count; i++) {
    const flags = index.readUInt16BE(pos + 60);
    const extended = (flags & 0x4000) !== 0;
    const nameStart = pos + 62 + (extended ? 2 : 0);
    const nameEnd = index.indexOf(0, nameStart);
    if (found === -1 && nameEnd - nameStart === want.length && index.compare(want, 0, want.length, nameStart, nameEnd) === 0) found = pos;
    pos += Math.ceil((nameEnd + 1 - pos) / 8) * 8;
  }
  if (found === -1) throw new Error(`${filepath} not in index`);
  const out = Buffer.alloc(pos + 20);
  index.copy(out, 0, 0, pos); // header + entries; extensions (TREE, …) dropped
  const s = (v) => v >>> 0;
  out.writeUInt32BE(s(Math.floor(stat.ctimeMs / 1000)), found);
  out.writeUInt32BE(s((stat.ctimeMs % 1000) * 1e6), found + 4);
  out.writeUInt32BE(s(Math.floor(stat.mtimeMs / 1000)), found + 8);
  out.writeUInt32BE(s((stat.mtimeMs % 1000) * 1e6), found + 12);
  out.writeUInt32BE(s(stat.dev), found + 16);
  out.writeUInt32BE(s(stat.ino), found + 20);
  out.writeUInt32BE(s(stat.size), found + 36);
  Buffer.from(oid, "hex").copy(out, found + 40);
  createHash("sha1").update(out.subarray(0, pos)).digest().copy(out, pos);
  const lock = join(gitdir, "index.lock");
  const fd = openSync(lock, "wx");
  writeSync(fd, out);
  closeSync(fd);
  renameSync(lock, join(gitdir, "index"));
}

const rounds = [];
for (const id of ids) {
  const spans = {};
  const span = (name, work) => {
    const t = performance.now();
    const r = work();
    spans[name] = performance.now() - t;
    return r;
  };
  const path = `beads/${id}.md`;
  const text = `${readFileSync(join(board, path), "utf8")}\nNative edit.\n`;
  writeFileSync(join(board, path), text);
  const head = readFileSync(join(gitdir, "HEAD"), "utf8").trim().replace(/^ref: /, "");
  const parent = readFileSync(join(gitdir, head), "utf8").trim();
  const treeOid = span("read commit", () => /^tree ([0-9a-f]{40})/.exec(readLoose(parent).body.toString())[1]);
  const root = span("read tree /", () => readLoose(treeOid).body);
  const beadsOid = span("find beads/ in /", () => {
    const i = root.indexOf(Buffer.from(" beads\0"));
    return root.subarray(i + 7, i + 27).toString("hex");
  });
  const beads = span("read tree beads/ (inflate)", () => readLoose(beadsOid).body);
  const blob = span("write blob", () => writeLoose("blob", Buffer.from(text)));
  const newBeads = span("splice + write tree beads/ (sha1 + deflate)", () => writeLoose("tree", replaceInTree(beads, `${id}.md`, blob).body));
  const newRoot = span("write tree /", () => writeLoose("tree", replaceInTree(root, "beads", newBeads).body));
  const stamp = `${Math.floor(Date.now() / 1000)} +0000`;
  const commit = span("write commit", () => writeLoose("commit", Buffer.from(`tree ${newRoot}\nparent ${parent}\nauthor Bench <bench@beadboard.local> ${stamp}\ncommitter Bench <bench@beadboard.local> ${stamp}\n\nnative ${id}\n`)));
  span("move ref", () => writeFileSync(join(gitdir, head), `${commit}\n`));
  span("patch index entry (read, scan, sha1, write)", () => patchIndex(path, blob, lstatSync(join(board, path))));
  spans.total = Object.values(spans).reduce((a, b) => a + b, 0);
  spans.treeBytes = beads.length;
  rounds.push(spans);
}
process.stdout.write(`${JSON.stringify({ nodeStartMs: t0, rounds, totalMs: performance.now() })}\n`);
