import { InvalidArgumentError } from "../../errors.js";
import { isEmptyQuery, parseSearchQuery } from "../../search/query.js";
import type { SearchHit } from "../../search/rank.js";
import { runSearch } from "../../search/run.js";
import { boardFor, type CliIo, type GlobalOptions } from "../io.js";
import { beadJson, fit, json } from "../output.js";

export interface SearchOptions extends GlobalOptions {
  all?: boolean;
  limit?: string;
}

const DEFAULT_LIMIT = 20;

export async function search(io: CliIo, words: string[], options: SearchOptions): Promise<void> {
  const query = parseSearchQuery(words.join(" "));
  if (isEmptyQuery(query)) throw new InvalidArgumentError('search: give words, a "phrase", or label:/status:/agent:/type:/priority: filters');
  const limit = options.limit === undefined ? DEFAULT_LIMIT : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new InvalidArgumentError(`--limit must be a whole number of at least 1, not "${options.limit}"`);
  const hits = await runSearch(boardFor(io, options), query, { archived: options.all === true, limit });
  if (options.json) {
    io.out(json(hits.map(hitJson)));
    return;
  }
  io.out(renderHits(hits, io.columns ?? 100));
}

function hitJson(hit: SearchHit): Record<string, unknown> {
  return { ...beadJson(hit.bead), score: hit.score, archived: hit.archived, match: hit.match ?? null };
}

function renderHits(hits: readonly SearchHit[], columns: number): string {
  if (hits.length === 0) return "no matches\n";
  const idWidth = Math.max(...hits.map((hit) => hit.bead.id.length));
  const lines: string[] = [];
  for (const hit of hits) {
    const f = hit.bead.fields;
    const head = `${fit(hit.bead.id, idWidth)}  ${fit(hit.archived ? "archived" : f.status, 9)} P${f.priority}  `;
    lines.push(`${head}${fit(String(f.title), Math.max(10, columns - head.length)).trimEnd()}`);
    if (hit.match) {
      const where = `${hit.bead.path}:${hit.match.line}${hit.match.section ? ` (${hit.match.section})` : ""}: `;
      lines.push(`  ${where}${fit(hit.match.text, Math.max(10, columns - where.length - 2)).trimEnd()}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
