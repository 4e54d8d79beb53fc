/**
 * The MCP tools' contract: name, description, input and output schema of every tool, in one
 * place. The server registers tools from this table and docs/MCP.md is generated from it
 * (`node scripts/mcp-docs.js`), so the two cannot drift. Schemas are zod/mini (zod v4 core),
 * which @modelcontextprotocol/sdk accepts and turns into JSON Schema itself.
 *
 * Tool names are a contract for the prompts and clients that call them: extend, never rename.
 */
import * as z from "../schema/zod.js";
import { SENSITIVITIES, STATUSES, TYPES } from "../bead/fields.js";

/** Bounds on untrusted arguments: a client (a model, at worst a small one) may send anything. */
export const LIMITS = { idChars: 128, titleChars: 500, bodyBytes: 256 * 1024, valueChars: 10_000, listItems: 100, noteChars: 2_000, reasonChars: 2_000 } as const;

const id = z.string().check(z.minLength(1), z.maxLength(LIMITS.idChars));
const shortList = z.array(z.string().check(z.maxLength(LIMITS.idChars))).check(z.maxLength(LIMITS.listItems));
const priority = z.number().check(z.int(), z.gte(0), z.lte(4));

/** A bead as `bead show --json` prints it: id, path, every front-matter field (unknown keys kept). */
const bead = z.looseObject({ id: z.string(), path: z.string(), title: z.string(), status: z.string() });
const beadWithBody = z.looseObject({ id: z.string(), path: z.string(), title: z.string(), status: z.string(), body: z.string() });
const beads = z.object({ beads: z.array(bead) });
const changed = z.object({ id: z.string(), changed: z.boolean(), commit: z.nullable(z.string()), bead: beadWithBody });

export const TOOLS = {
  ready: {
    title: "Ready beads",
    description: "Open beads whose deps are done, by priority then age (`bead ready`). With agent: only beads that agent may take.",
    input: z.object({ agent: z.optional(id) }),
    output: beads,
  },
  list: {
    title: "List beads",
    description: "Beads on the board, by priority then age (`bead ls`), filtered by status (any of), agent and labels (all of).",
    input: z.object({ status: z.optional(z.array(z.enum(STATUSES)).check(z.maxLength(STATUSES.length))), agent: z.optional(id), label: z.optional(shortList) }),
    output: beads,
  },
  search: {
    title: "Search beads",
    description:
      'Ranked search of titles, bodies, results and comments (`bead search`): words, "phrases", label:x status:y agent:z type:t priority:n. Each hit has the best matching line. all: include archived beads.',
    input: z.object({
      query: z.string().check(z.minLength(1), z.maxLength(LIMITS.valueChars)),
      all: z.optional(z.boolean()),
      limit: z.optional(z.number().check(z.int(), z.gte(1), z.lte(200))),
    }),
    output: z.object({ hits: z.array(z.looseObject({ id: z.string(), path: z.string(), title: z.string(), status: z.string(), score: z.number() })) }),
  },
  show: {
    title: "Show a bead",
    description: "One bead with every front-matter field and its markdown body (`bead show`).",
    input: z.object({ id }),
    output: z.object({ bead: beadWithBody }),
  },
  create: {
    title: "Create a bead",
    description: "A new bead (`bead new`); returns its minted id. deps must name existing beads.",
    input: z.object({
      title: z.string().check(z.minLength(1), z.maxLength(LIMITS.titleChars)),
      body: z.optional(z.string().check(z.maxLength(LIMITS.bodyBytes))),
      priority: z.optional(priority),
      type: z.optional(z.enum(TYPES)),
      labels: z.optional(shortList),
      agent: z.optional(id),
      deps: z.optional(shortList),
      sensitivity: z.optional(z.enum(SENSITIVITIES)),
    }),
    output: z.object({ id: z.string(), path: z.string(), bead: beadWithBody }),
  },
  update: {
    title: "Update fields of a bead",
    description:
      "Set front-matter fields (`bead set`): only the named keys change, every other byte stays. null removes a field. The claim fields (claimed_by, claimed_at, lease_until) and status=claimed are refused: use claim/release. The result must be a valid bead or nothing is written.",
    input: z.object({
      id,
      fields: z.record(
        z.string().check(z.maxLength(64)),
        z.union([z.string().check(z.maxLength(LIMITS.valueChars)), z.number(), z.boolean(), z.null(), z.array(z.union([z.string().check(z.maxLength(LIMITS.valueChars)), z.number()])).check(z.maxLength(LIMITS.listItems))]),
      ),
    }),
    output: changed,
  },
  close: {
    title: "Close a bead",
    description: "Mark a bead done (`bead close`), with an optional reason.",
    input: z.object({ id, reason: z.optional(z.string().check(z.maxLength(LIMITS.reasonChars))) }),
    output: changed,
  },
  reopen: {
    title: "Reopen a bead",
    description: "Put a bead back to open and drop its claim (`bead reopen`).",
    input: z.object({ id }),
    output: changed,
  },
  claim: {
    title: "Claim a bead",
    description:
      "Claim a bead for this client (`bead claim`): the CLI's lock, compare-and-swap and, on a synced board, push. Refused (E_CLAIM_REFUSED) when it is not claimable, naming the holder. Claiming what you hold renews the lease.",
    input: z.object({ id, lease: z.optional(z.string().check(z.maxLength(16))) }),
    output: z.object({ id: z.string(), holder: z.string(), lease_until: z.string(), renewed: z.boolean(), commit: z.nullable(z.string()) }),
  },
  release: {
    title: "Release a bead",
    description: "Give back a bead this client holds (`bead release`). Refused (E_NOT_HOLDER) when someone else holds it.",
    input: z.object({ id }),
    output: z.object({ id: z.string(), released: z.boolean() }),
  },
  dep_add: {
    title: "Add a dependency",
    description: "Make id wait for blocker (`bead dep add`); refused when it would make a cycle.",
    input: z.object({ id, blocker: id }),
    output: z.object({ id: z.string(), deps: z.array(z.string()) }),
  },
  dep_remove: {
    title: "Remove a dependency",
    description: "id no longer waits for blocker (`bead dep rm`).",
    input: z.object({ id, blocker: id }),
    output: z.object({ id: z.string(), deps: z.array(z.string()) }),
  },
  lint: {
    title: "Lint the board",
    description: "Every problem of bead and agent files (`bead lint`): path, line, reason, fix.",
    input: z.object({}),
    output: z.object({ problems: z.array(z.looseObject({ path: z.string(), line: z.number(), reason: z.string() })) }),
  },
  log: {
    title: "History of a bead",
    description: "The commits that touched one bead, newest first (`bead log`).",
    input: z.object({ id }),
    output: z.object({ entries: z.array(z.object({ oid: z.string(), date: z.string(), author: z.string(), message: z.string() })) }),
  },
  memory_read: {
    title: "Read memory",
    description: "memory/MEMORY.md (shared), or memory/<agent>.md with agent. A remote client gets no private memory.",
    input: z.object({ agent: z.optional(id) }),
    output: z.object({ path: z.string(), text: z.string() }),
  },
  memory_append: {
    title: "Remember notes",
    description:
      "Append notes under today's heading of memory/<this client>.md, and of memory/MEMORY.md when shared (deduplicated, one commit). bead names where they were learned.",
    input: z.object({ notes: z.array(z.string().check(z.minLength(1), z.maxLength(LIMITS.noteChars))).check(z.minLength(1), z.maxLength(20)), shared: z.optional(z.boolean()), bead: z.optional(id) }),
    output: z.object({ path: z.string(), added: z.number() }),
  },
} as const;

export type ToolName = keyof typeof TOOLS;
export type ToolInput<N extends ToolName> = z.infer<(typeof TOOLS)[N]["input"]>;
export type ToolOutput<N extends ToolName> = z.infer<(typeof TOOLS)[N]["output"]>;

/** The registration config of one tool for McpServer.registerTool, from this table. */
export function toolConfig<N extends ToolName>(name: N): { title: string; description: string; inputSchema: (typeof TOOLS)[N]["input"]; outputSchema: (typeof TOOLS)[N]["output"] } {
  const tool = TOOLS[name];
  return { title: tool.title, description: tool.description, inputSchema: tool.input, outputSchema: tool.output };
}
