/**
 * `bead mcp` in a real child process, through the SDK's own client: the handshake, the tool and
 * resource lists, every tool called, and what they wrote read back with the git CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { beadText } from "../helpers/beads.js";
import { makeTempBoard, type TempBoard } from "../helpers/temp-board.js";
import { TOOLS } from "../../src/mcp/schemas.js";
import { errorText, startMcp, structured, type McpSession } from "./support.js";

let board: TempBoard;
let mcp: McpSession;

beforeAll(async () => {
  board = await makeTempBoard({
    "beads/alpha.md": beadText(["title: Alpha", "priority: 1", "labels: [docs]  # a comment that must survive"], "Alpha body.\n"),
    "beads/beta.md": beadText(["title: Beta", "deps: [alpha]"]),
    "agents/writer.md": beadText(["name: writer", "provider: ollama", "model: qwen3:8b"], "You write.\n"),
    "memory/MEMORY.md": "# Shared memory\n",
  });
  mcp = await startMcp(board.dir, ["--as", "mcp-tester"]);
});

afterAll(async () => {
  await mcp?.close();
  await board?.cleanup();
});

const head = () => board.git(["rev-parse", "HEAD"]).trim();
const lastMessage = () => board.git(["log", "-1", "--format=%s"]).trim();

describe("bead mcp over stdio", () => {
  it("initializes as beadboard and lists every tool with input and output schemas", async () => {
    expect(mcp.client.getServerVersion()?.name).toBe("beadboard");
    const { tools } = await mcp.client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(Object.keys(TOOLS).sort());
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe("object");
      expect(tool.outputSchema?.type, tool.name).toBe("object");
      expect(tool.description).toBeTruthy();
    }
  });

  it("lists beads, shared memory and agents as resources and reads them", async () => {
    const { resources } = await mcp.client.listResources();
    const uris = resources.map((resource) => resource.uri);
    expect(uris).toEqual(expect.arrayContaining(["bead://alpha", "bead://beta", "board://memory/MEMORY.md", "board://agents/writer"]));
    const alpha = await mcp.client.readResource({ uri: "bead://alpha" });
    expect(alpha.contents[0]).toMatchObject({ uri: "bead://alpha", text: board.read("beads/alpha.md") });
    const agent = await mcp.client.readResource({ uri: "board://agents/writer" });
    expect(agent.contents[0]).toMatchObject({ text: board.read("agents/writer.md") });
    await expect(mcp.client.readResource({ uri: "bead://nope" })).rejects.toThrow(/bead not found: nope/);
  });

  it("ready, list and show answer as the CLI does", async () => {
    const ready = structured<{ beads: Array<{ id: string }> }>(await mcp.call("ready"));
    expect(ready.beads.map((bead) => bead.id)).toEqual(["alpha"]);
    const listed = structured<{ beads: Array<{ id: string }> }>(await mcp.call("list", { label: ["docs"] }));
    expect(listed.beads.map((bead) => bead.id)).toEqual(["alpha"]);
    const shown = structured<{ bead: Record<string, unknown> }>(await mcp.call("show", { id: "beta" }));
    expect(shown.bead).toMatchObject({ id: "beta", title: "Beta", deps: ["alpha"], body: "" });
  });

  it("search ranks beads by words and filters, with the matching line, as `bead search --json` does", async () => {
    const found = structured<{ hits: Array<{ id: string; score: number; match: { line: number; text: string } | null }> }>(await mcp.call("search", { query: "alpha body" }));
    expect(found.hits.map((hit) => hit.id)).toEqual(["alpha"]);
    expect(found.hits[0]!.match?.text).toContain("Alpha body.");
    const byLabel = structured<{ hits: Array<{ id: string }> }>(await mcp.call("search", { query: "label:docs" }));
    expect(byLabel.hits.map((hit) => hit.id)).toEqual(["alpha"]);
    expect(errorText(await mcp.call("search", { query: "   " }))).toMatch(/E_INVALID_ARGUMENT: search: give words/);
  });

  it("create, update, dep_add, dep_remove, close and reopen commit what they say, surgically", async () => {
    const created = structured<{ id: string; bead: Record<string, unknown> }>(await mcp.call("create", { title: "Gamma", body: "Do gamma.\n", priority: 0, labels: ["x"], type: "bug" }));
    expect(board.git(["show", `HEAD:beads/${created.id}.md`])).toContain("Do gamma.");
    expect(created.bead).toMatchObject({ title: "Gamma", priority: 0, labels: ["x"], type: "bug" });

    const updated = structured<{ changed: boolean; commit: string; bead: Record<string, unknown> }>(await mcp.call("update", { id: "alpha", fields: { priority: 3, owner: "1", tier: null } }));
    expect(updated).toMatchObject({ changed: true, commit: head() });
    const alpha = board.git(["show", "HEAD:beads/alpha.md"]);
    expect(alpha).toContain("priority: 3");
    expect(alpha).toContain('owner: "1"'); // a string stays a string
    expect(alpha).toContain("# a comment that must survive");
    expect(structured<{ changed: boolean }>(await mcp.call("update", { id: "alpha", fields: { priority: 3 } })).changed).toBe(false);

    expect(structured<{ deps: string[] }>(await mcp.call("dep_add", { id: created.id, blocker: "alpha" })).deps).toEqual(["alpha"]);
    expect(lastMessage()).toBe(`dep add ${created.id} alpha`);
    expect(structured<{ deps: string[] }>(await mcp.call("dep_remove", { id: created.id, blocker: "alpha" })).deps).toEqual([]);

    expect(structured<{ changed: boolean }>(await mcp.call("close", { id: "alpha", reason: "shipped" })).changed).toBe(true);
    expect(board.git(["show", "HEAD:beads/alpha.md"])).toMatch(/status: done/);
    expect(lastMessage()).toBe("close alpha: shipped");
    expect(structured<{ changed: boolean }>(await mcp.call("reopen", { id: "alpha" })).changed).toBe(true);
    expect(board.git(["show", "HEAD:beads/alpha.md"])).toMatch(/status: open/);
  });

  it("claim and release are the CLI's claims, under the --as name", async () => {
    const claimed = structured<{ holder: string; commit: string }>(await mcp.call("claim", { id: "alpha", lease: "5m" }));
    expect(claimed.holder).toBe("mcp-tester@test");
    expect(claimed.commit).toBe(head());
    expect(lastMessage()).toMatch(/^claim alpha by mcp-tester/);
    const other = await startMcp(board.dir, [], "Other Client");
    try {
      const refused = errorText(await other.call("claim", { id: "alpha" }));
      expect(refused).toMatch(/^E_CLAIM_REFUSED: .*mcp-tester@test/);
      expect(errorText(await other.call("release", { id: "alpha" }))).toMatch(/^E_NOT_HOLDER: /);
    } finally {
      await other.close();
    }
    expect(structured(await mcp.call("release", { id: "alpha" }))).toEqual({ id: "alpha", released: true });
    expect(board.git(["show", "HEAD:beads/alpha.md"])).toMatch(/status: open/);
  });

  it("log, lint, memory_append and memory_read", async () => {
    const log = structured<{ entries: Array<{ message: string }> }>(await mcp.call("log", { id: "alpha" }));
    expect(log.entries[0]?.message).toMatch(/^release alpha/);
    expect(log.entries.length).toBeGreaterThan(4);

    board.write("beads/broken.md", "---\ntitle: [unclosed\n---\n");
    const lint = structured<{ problems: Array<{ path: string; line: number }> }>(await mcp.call("lint"));
    expect(lint.problems).toEqual([expect.objectContaining({ path: "beads/broken.md", line: 2 })]);

    const appended = structured<{ path: string; added: number }>(await mcp.call("memory_append", { notes: ["Alpha needs docs"], shared: true, bead: "alpha" }));
    expect(appended).toEqual({ path: "memory/mcp-tester.md", added: 1 });
    expect(board.git(["show", "HEAD:memory/MEMORY.md"])).toContain("- Alpha needs docs (alpha)");
    expect(board.git(["show", "HEAD:memory/mcp-tester.md"])).toContain("- Alpha needs docs (alpha)");
    const shared = structured<{ text: string }>(await mcp.call("memory_read"));
    expect(shared.text).toContain("Alpha needs docs");
    expect(structured<{ text: string }>(await mcp.call("memory_read", { agent: "mcp-tester" })).text).toContain("Alpha needs docs");
  });
});
