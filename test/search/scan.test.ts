import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSearchQuery } from "../../src/search/query.js";
import { searchDocuments, type SearchDocument } from "../../src/search/rank.js";
import { bestOf, compareHits, scanStore } from "../../src/search/scan.js";
import { packStore, storeEntry } from "../../src/search/store.js";
import { makeBead } from "../helpers/beads.js";

/** The store scan must rank exactly as the reference ranker over the same beads (rank.ts). */
function viaStore(documents: readonly SearchDocument[], text: string): Array<[string, number]> {
  const entries = documents.map((document) => storeEntry(document.bead, "1:1:1", document.body, document.bodyLine));
  const store = packStore(
    entries.map((entry) => entry.row),
    entries.map((entry) => entry.json),
    entries.map((entry) => entry.text),
  );
  return scanStore(store.rows, store.data, parseSearchQuery(text))
    .map((hit) => ({ ...hit, archived: false }))
    .sort(compareHits)
    .map((hit) => [hit.row.name.slice(0, -3), hit.score]);
}

function viaReference(documents: readonly SearchDocument[], text: string): Array<[string, number]> {
  return searchDocuments(documents, parseSearchQuery(text)).map((hit) => [hit.bead.id, hit.score]);
}

const WORDS = ["login", "Login", "cookie", "ÉTÉ", "été", "drop", "the", "lo", "gin", "ß"];
const phrase = fc.array(fc.constantFrom(...WORDS), { minLength: 0, maxLength: 8 }).map((words) => words.join(" "));

describe("scanStore", () => {
  it("agrees with the reference ranker on random boards and queries (ids, order and scores)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ title: phrase, body: fc.array(phrase, { maxLength: 5 }).map((lines) => lines.join("\n")), priority: fc.integer({ min: 0, max: 4 }), web: fc.boolean() }), { maxLength: 8 }),
        fc.array(fc.constantFrom(...WORDS, '"login cookie"', "label:web", "priority:2"), { minLength: 1, maxLength: 3 }),
        (beads, query) => {
          const documents = beads.map((b, i) => ({ bead: makeBead(`b${i}`, { title: b.title || "t", priority: b.priority, labels: b.web ? ["web"] : [] }, i), body: b.body, bodyLine: 4 }));
          expect(viaStore(documents, query.join(" "))).toEqual(viaReference(documents, query.join(" ")));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("agrees with the reference ranker when an overlay left texts out of row order, with stale bytes between them", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ title: phrase, body: phrase, stale: phrase }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.constantFrom(...WORDS, '"login cookie"'), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 1000 }),
        (beads, query, seed) => {
          const documents = beads.map((b, i) => ({ bead: makeBead(`b${i}`, { title: b.title || "t" }, i), body: b.body, bodyLine: 4 }));
          // Lay the texts out in a shuffled order, each after the stale text of an earlier edit.
          const order = documents.map((_, i) => i).sort((a, b) => ((a * 7919 + seed) % 13) - ((b * 7919 + seed) % 13) || a - b);
          const parts: Buffer[] = [];
          const rows = documents.map((document) => storeEntry(document.bead, "1:1:1", document.body, document.bodyLine));
          const placed = new Array<{ textStart: number; beadStart: number }>(rows.length);
          let at = 0;
          for (const i of order) {
            const stale = Buffer.from(`${beads[i]!.stale.toLowerCase()}\n`, "utf8");
            const entry = rows[i]!;
            placed[i] = { beadStart: at + stale.length, textStart: at + stale.length + entry.json.length };
            parts.push(stale, entry.json, entry.text);
            at += stale.length + entry.json.length + entry.text.length;
          }
          const storeRows = rows.map((entry, i) => ({ ...entry.row, ...placed[i]! }));
          const viaOverlay = scanStore(storeRows, Buffer.concat(parts), parseSearchQuery(query.join(" ")))
            .map((hit) => ({ ...hit, archived: false }))
            .sort(compareHits)
            .map((hit) => [hit.row.name.slice(0, -3), hit.score]);
          expect(viaOverlay).toEqual(viaReference(documents, query.join(" ")));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("does not credit a word that runs from one bead's text into the next", () => {
    const documents = [
      { bead: makeBead("a", { title: "x" }), body: "ends with log", bodyLine: 4 },
      { bead: makeBead("b", { title: "in the middle" }), body: "", bodyLine: 4 },
    ];
    expect(viaStore(documents, "login")).toEqual([]);
    expect(viaStore(documents, "login")).toEqual(viaReference(documents, "login"));
  });
});

describe("bestOf", () => {
  it("gives what a stable sort and a slice give, ties in input order, for any limit", () => {
    // Pairs compared on the first number only: many ties, told apart by where they came from.
    const byKey = (a: [number, number], b: [number, number]) => a[0] - b[0];
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 60 }), fc.integer({ min: 1, max: 70 }), (keys, limit) => {
        const items = keys.map((key, at): [number, number] => [key, at]);
        expect(bestOf(items, byKey, limit)).toEqual([...items].sort(byKey).slice(0, limit));
      }),
      { numRuns: 500 },
    );
  });
});
