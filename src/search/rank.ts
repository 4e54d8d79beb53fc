import type { Bead } from "../bead/fields.js";
import { byPriorityThenAge } from "../board/queries.js";
import type { SearchQuery } from "./query.js";

/**
 * Ranking for `bead search`, pure. A bead matches when it passes every filter and every word
 * or phrase occurs in its title or text (body, result, comments). Title hits weigh most, then
 * how often the words occur in the text (capped, so a long bead cannot drown a precise one).
 */
export interface SearchDocument {
  bead: Bead;
  /** The file's text after the front-matter. */
  body: string;
  /** 1-based line of the file where the body starts. */
  bodyLine: number;
  archived?: boolean;
}

export interface SearchHit {
  bead: Bead;
  score: number;
  archived: boolean;
  /** The line that best shows the match: in the file (line 1 is the first line of the file), or the title. */
  match?: { line: number; text: string; section?: string };
}

export const TITLE_WEIGHT = 10;
export const PHRASE_FACTOR = 2;
export const MAX_COUNTED_OCCURRENCES = 5;
const MATCH_TEXT_CAP = 200;

export function searchDocuments(documents: readonly SearchDocument[], query: SearchQuery, limit = Number.POSITIVE_INFINITY): SearchHit[] {
  const hits: SearchHit[] = [];
  for (const document of documents) {
    if (!passesFilters(document.bead, query)) continue;
    const hit = scoreDocument(document, query);
    if (hit) hits.push(hit);
  }
  hits.sort((a, b) => b.score - a.score || Number(a.archived) - Number(b.archived) || byPriorityThenAge(a.bead, b.bead));
  return hits.length > limit ? hits.slice(0, limit) : hits;
}

function passesFilters(bead: Bead, query: SearchQuery): boolean {
  const f = bead.fields;
  if (query.labels.length > 0 && !query.labels.every((label) => f.labels.includes(label))) return false;
  if (query.statuses.length > 0 && !query.statuses.includes(f.status)) return false;
  if (query.agents.length > 0 && !query.agents.some((agent) => agent === f.agent || agent === f.claimed_by)) return false;
  if (query.types.length > 0 && !query.types.includes(f.type)) return false;
  if (query.priorities.length > 0 && !query.priorities.includes(f.priority)) return false;
  return true;
}

function scoreDocument(document: SearchDocument, query: SearchQuery): SearchHit | undefined {
  const archived = document.archived === true;
  if (query.needles.length === 0) return { bead: document.bead, score: 0, archived };
  const title = String(document.bead.fields.title).toLowerCase();
  const body = document.body.toLowerCase();
  let score = 0;
  for (const needle of query.needles) {
    const factor = needle.phrase ? PHRASE_FACTOR : 1;
    const inTitle = title.includes(needle.text);
    const occurrences = countOccurrences(body, needle.text, MAX_COUNTED_OCCURRENCES);
    if (!inTitle && occurrences === 0) return undefined;
    score += factor * ((inTitle ? TITLE_WEIGHT : 0) + occurrences);
  }
  const hit: SearchHit = { bead: document.bead, score, archived };
  const match = bestLine(document, body, query);
  if (match) hit.match = match;
  return hit;
}

function countOccurrences(text: string, needle: string, cap: number): number {
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1 && count < cap; at = text.indexOf(needle, at + needle.length)) count++;
  return count;
}

/** The body line holding the most of the query's words (the first such line), with the section it sits in. */
function bestLine(document: SearchDocument, lowerBody: string, query: SearchQuery): SearchHit["match"] {
  // Lower-casing keeps the number of lines (no newline changes case), so line i of one is line i of the other.
  const best = bestLineIndex(lowerBody.split("\n"), query);
  return best === -1 ? undefined : matchAt(document.body.split("\n"), best, document.bodyLine);
}

/** Index of the line holding the most of the query's words (the first such), or -1. */
export function bestLineIndex(lowerLines: readonly string[], query: SearchQuery): number {
  let best = -1;
  let bestCount = 0;
  for (let i = 0; i < lowerLines.length; i++) {
    const line = lowerLines[i]!;
    let count = 0;
    for (const needle of query.needles) if (line.includes(needle.text)) count++;
    if (count > bestCount) {
      best = i;
      bestCount = count;
      if (count === query.needles.length) break;
    }
  }
  return best;
}

/** Body line `index` as a match: its file line, its text (trimmed, capped) and the heading it sits under. */
export function matchAt(bodyLines: readonly string[], index: number, bodyLine: number): NonNullable<SearchHit["match"]> {
  const text = (bodyLines[index] ?? "").replace(/\r$/, "").trim();
  const match: NonNullable<SearchHit["match"]> = { line: bodyLine + index, text: text.length > MATCH_TEXT_CAP ? `${text.slice(0, MATCH_TEXT_CAP - 1)}…` : text };
  for (let i = Math.min(index, bodyLines.length - 1); i >= 0; i--) {
    const heading = /^#{1,6}\s+(.+?)\s*$/.exec(bodyLines[i]!.replace(/\r$/, ""));
    if (heading) {
      match.section = heading[1]!;
      break;
    }
  }
  return match;
}
