import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSearchQuery } from "../../src/search/query.js";
import { searchDocuments, type SearchDocument } from "../../src/search/rank.js";
import { compareHits, scanStore } from "../../src/search/scan.js";
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

  it("does not credit a word that runs from one bead's text into the next", () => {
    const documents = [
      { bead: makeBead("a", { title: "x" }), body: "ends with log", bodyLine: 4 },
      { bead: makeBead("b", { title: "in the middle" }), body: "", bodyLine: 4 },
    ];
    expect(viaStore(documents, "login")).toEqual([]);
    expect(viaStore(documents, "login")).toEqual(viaReference(documents, "login"));
  });
});
