import { describe, expect, it } from "vitest";
import { parseSearchQuery } from "../../src/search/query.js";
import { searchDocuments, type SearchDocument } from "../../src/search/rank.js";
import { makeBead } from "../helpers/beads.js";

function doc(id: string, fields: Parameters<typeof makeBead>[1], body = "", bodyLine = 4): SearchDocument {
  return { bead: makeBead(id, fields), body, bodyLine };
}

describe("parseSearchQuery", () => {
  it("splits words, keeps quoted phrases together and lifts field filters", () => {
    const query = parseSearchQuery('Login "session cookie" label:web status:open agent:romanov type:bug priority:1 http://x');
    expect(query.needles).toEqual([
      { text: "login", phrase: false },
      { text: "session cookie", phrase: true },
      { text: "http://x", phrase: false },
    ]);
    expect(query).toMatchObject({ labels: ["web"], statuses: ["open"], agents: ["romanov"], types: ["bug"], priorities: [1] });
  });

  it("a non-numeric priority filter matches nothing instead of being dropped", () => {
    const query = parseSearchQuery("priority:high");
    expect(searchDocuments([doc("a", { title: "A", priority: 2 })], query)).toEqual([]);
  });

  it('reads label:"two words" as one filter value and an unclosed quote as a phrase to the end', () => {
    expect(parseSearchQuery('label:"needs review"').labels).toEqual(["needs review"]);
    expect(parseSearchQuery('"half open').needles).toEqual([{ text: "half open", phrase: true }]);
  });
});

describe("searchDocuments", () => {
  const documents = [
    doc("title-hit", { title: "Fix the login page", priority: 2 }, "Nothing else here.\n"),
    doc("body-hit", { title: "Session work", priority: 1 }, "Intro line.\nThe login form drops the cookie.\n\n## Result\nlogin fixed by resetting the cookie\n"),
    doc("comment-hit", { title: "Other", priority: 0, labels: ["web"] }, "Body.\n\n## Comments\n- alice (2026-01-01): the LOGIN banner is wrong\n"),
    doc("miss", { title: "Unrelated", priority: 0 }, "no match\n"),
  ];

  it("ranks a title hit above body hits, finds text in results and comments, case-insensitively", () => {
    const hits = searchDocuments(documents, parseSearchQuery("login"));
    expect(hits.map((hit) => hit.bead.id)).toEqual(["title-hit", "body-hit", "comment-hit"]);
  });

  it("shows the line holding the most words, with its file line number and section", () => {
    const [hit] = searchDocuments(documents, parseSearchQuery("login cookie"));
    expect(hit?.bead.id).toBe("body-hit");
    expect(hit?.match).toEqual({ line: 5, text: "The login form drops the cookie.", section: undefined });
    const [inComment] = searchDocuments(documents, parseSearchQuery("banner"));
    expect(inComment?.match).toEqual({ line: 7, text: "- alice (2026-01-01): the LOGIN banner is wrong", section: "Comments" });
  });

  it("needs every word; a phrase must occur as written", () => {
    expect(searchDocuments(documents, parseSearchQuery("login banner")).map((hit) => hit.bead.id)).toEqual(["comment-hit"]);
    expect(searchDocuments(documents, parseSearchQuery('"drops the cookie"')).map((hit) => hit.bead.id)).toEqual(["body-hit"]);
    expect(searchDocuments(documents, parseSearchQuery('"cookie drops"'))).toEqual([]);
  });

  it("applies filters, and filters alone list every bead that passes them", () => {
    expect(searchDocuments(documents, parseSearchQuery("login label:web")).map((hit) => hit.bead.id)).toEqual(["comment-hit"]);
    expect(searchDocuments(documents, parseSearchQuery("label:web")).map((hit) => hit.bead.id)).toEqual(["comment-hit"]);
    expect(searchDocuments(documents, parseSearchQuery("login status:done"))).toEqual([]);
  });

  it("puts archived beads after live ones of the same score, and honours the limit", () => {
    const archived = { ...doc("old", { title: "Fix the login page", priority: 0 }), archived: true };
    const hits = searchDocuments([archived, ...documents], parseSearchQuery("login"), 2);
    expect(hits.map((hit) => [hit.bead.id, hit.archived])).toEqual([
      ["title-hit", false],
      ["old", true],
    ]);
  });
});
