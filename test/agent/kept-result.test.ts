/** Result kept at write-back (issue 14, item 10): a person saves an invalid bead while the agent works; the result is kept, not lost. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { agentFile, beadFile, makeRig, replyJson, type Rig } from "./policy-support.js";

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe("result kept at write-back", () => {
  it("keeps the result under .git/beadboard/attempts/ and says how to recover", async () => {
    let boardDir = "";
    rig = await makeRig(
      ({ local }) => ({
        "agents/homebody.md": agentFile({ name: "homebody", host: local, takes: "{ labels: [home] }" }),
        "beads/bb-1.md": beadFile(["title: Write the summary", "labels: [home]"], "Summarise.\n"),
      }),
      {
        local: () => {
          // The person's editor saves a broken file while the model works.
          rig?.board.write("beads/bb-1.md", "---\ntitle: [unclosed\n---\nmid-edit\n");
          return replyJson("THE-VALUABLE-RESULT");
        },
      },
    );
    boardDir = rig.board.dir;
    await rig.run();
    const dir = join(boardDir, ".git", "beadboard", "attempts");
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^bb-1-/);
    expect(readFileSync(join(dir, files[0]!), "utf8")).toContain("THE-VALUABLE-RESULT");
    expect(rig.logs.join("\n")).toMatch(/bb-1: result not written: .*kept in .*attempts.*Fix beads\/bb-1\.md/);
    expect(rig.board.read("beads/bb-1.md")).toContain("mid-edit"); // the person's save is untouched
  });
});
