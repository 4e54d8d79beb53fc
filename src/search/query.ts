/**
 * The search language of `bead search`: plain words, "quoted phrases", and field filters
 * (`label:x`, `status:y`, `agent:z`, also `type:` and `priority:`). Pure: no I/O.
 */
export interface SearchQuery {
  /** Lower-cased words and phrases; every one must occur in the bead's title or text. */
  needles: Needle[];
  labels: string[];
  statuses: string[];
  agents: string[];
  types: string[];
  priorities: number[];
}

export interface Needle {
  text: string;
  phrase: boolean;
}

const FILTERS = ["label", "status", "agent", "type", "priority"] as const;
type FilterName = (typeof FILTERS)[number];

/** Split on whitespace, keeping "…" together; `key:"two words"` and `key:value` become filters. */
export function parseSearchQuery(input: string): SearchQuery {
  const query: SearchQuery = { needles: [], labels: [], statuses: [], agents: [], types: [], priorities: [] };
  const token = /(?:(\w+):)?(?:"([^"]*)"?|(\S+))/g;
  for (const match of input.matchAll(token)) {
    const [, key, quoted, bare] = match;
    const value = quoted ?? bare ?? "";
    const filter = key?.toLowerCase() as FilterName | undefined;
    if (filter !== undefined && (FILTERS as readonly string[]).includes(filter)) {
      if (value !== "") addFilter(query, filter, value);
      continue;
    }
    // `http://x` or `a:b` that is not one of our filters is an ordinary word.
    const text = (key !== undefined ? `${key}:${value}` : value).toLowerCase().trim();
    if (text !== "") query.needles.push({ text, phrase: quoted !== undefined });
  }
  return query;
}

function addFilter(query: SearchQuery, filter: FilterName, value: string): void {
  if (filter === "label") query.labels.push(value);
  else if (filter === "status") query.statuses.push(value.toLowerCase());
  else if (filter === "agent") query.agents.push(value);
  else if (filter === "type") query.types.push(value.toLowerCase());
  else {
    const priority = Number(value);
    // A priority that is not a number matches nothing rather than everything.
    query.priorities.push(Number.isInteger(priority) ? priority : Number.NaN);
  }
}

export function isEmptyQuery(query: SearchQuery): boolean {
  return query.needles.length + query.labels.length + query.statuses.length + query.agents.length + query.types.length + query.priorities.length === 0;
}
