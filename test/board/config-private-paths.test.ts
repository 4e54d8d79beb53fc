/** .beadboard.yml `policy.private_paths`: read once at the edge; bad values named with the fix. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readBoardConfig } from "../../src/board/config.js";
import { ConfigError } from "../../src/errors.js";

function configFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "bb-config-")), ".beadboard.yml");
  writeFileSync(file, text);
  return file;
}

describe("policy.private_paths", () => {
  it("is a list of patterns (one string is a list of one); absent by default", async () => {
    expect((await readBoardConfig(configFile("policy:\n  private_paths: [\"config/prod.*\", \" *.p12 \"]\n"))).policy.privatePaths).toEqual(["config/prod.*", "*.p12"]);
    expect((await readBoardConfig(configFile("policy:\n  private_paths: private/\n"))).policy.privatePaths).toEqual(["private/"]);
    expect((await readBoardConfig(configFile("prefix: bb\n"))).policy.privatePaths).toBeUndefined();
  });

  it.each([
    ["a number", "private_paths: 3"],
    ["an empty pattern", 'private_paths: [""]'],
    ["a map", "private_paths: { a: b }"],
    ["five stars", 'private_paths: ["*a*b*c*d*"]'],
    ["a 201-character pattern", `private_paths: ["${"x".repeat(201)}"]`],
  ])("%s is a ConfigError naming the file, the key and an example", async (_what, line) => {
    const file = configFile(`policy:\n  ${line}\n`);
    const error = await readBoardConfig(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(`${file}: policy.private_paths must be a list`);
    expect((error as Error).message).toContain('e.g. ["config/prod.*"');
  });
});
