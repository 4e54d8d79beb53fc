/**
 * `claim_as: git-identity` through `bead mcp` (issue 14, item 14): without `--as` the client's
 * name is only a label and claims are made in the person's git identity; an explicit `--as` of
 * someone else is refused like `bead claim --as` is, with nothing written.
 */
import { afterEach, describe, expect, it } from "vitest";
import { beadText } from "../helpers/beads.js";
import { makeTempBoard, type TempBoard } from "../helpers/temp-board.js";
import { errorText, startMcp, structured, type McpSession } from "./support.js";

let board: TempBoard | undefined;
const sessions: McpSession[] = [];
afterEach(async () => {
  for (const session of sessions.splice(0)) await session.close();
  await board?.cleanup();
  board = undefined;
});

describe("bead mcp on a board whose holders are git identities", () => {
  it("claims and releases as the person; --as someone else is refused", async () => {
    const b = (board = await makeTempBoard({ ".beadboard.yml": "claim_as: git-identity\n", "beads/alpha.md": beadText(["title: Alpha"]) }));
    const env = { BEAD_ACTOR: "Ann Person <ann@example.test>" };
    const own = await startMcp(b.dir, [], "claude-code", env);
    sessions.push(own);
    const claimed = structured<{ holder: string }>(await own.call("claim", { id: "alpha" }));
    expect(claimed.holder).toBe("ann@test");
    expect(b.read("beads/alpha.md")).toMatch(/^claimed_by: ann@test$/m);

    const other = await startMcp(b.dir, ["--as", "mallory"], "claude-code", env);
    sessions.push(other);
    const head = b.git(["rev-parse", "HEAD"]);
    const refused = await other.call("release", { id: "alpha" });
    expect(refused.isError).toBe(true);
    expect(errorText(refused)).toMatch(/--as "mallory" refused: this board requires holder names to match the git identity/);
    expect(b.git(["rev-parse", "HEAD"])).toBe(head);

    const released = await own.call("release", { id: "alpha" });
    expect(released.isError).toBeFalsy();
    expect(b.read("beads/alpha.md")).toMatch(/^status: open$/m);
  });
});
