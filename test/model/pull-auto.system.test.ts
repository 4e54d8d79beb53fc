/**
 * `pull: auto` on an embedded agent: the first call that needs a missing hf: model fetches it from
 * the hub (a loopback double speaking the Hugging Face manifest and resolve URLs), calls meanwhile
 * wait for that one download, and the model then answers. Without `pull: auto`, or when the hub
 * cannot serve it, the call fails with the model-missing error that releases the bead, naming the
 * pull command.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAgent } from "../../src/agent/parse.js";
import { providerFor } from "../../src/agent/provider-for.js";
import { ModelFileMissingError } from "../../src/errors.js";
import { disposeIdleContexts } from "../../src/model/embedded-contexts.js";
import { writeTinyGguf } from "../helpers/tiny-gguf.js";

const URI = "hf:someone/tiny-GGUF:Q4_K_M";
let dir: string;
let model: Buffer;
let server: Server;
let base: string;
let fileRequests = 0;
let serveModel = true;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pull-auto-"));
  await writeTinyGguf(join(dir, "source.gguf"), { stop: "never" });
  model = readFileSync(join(dir, "source.gguf"));
  server = createServer((req, res) => {
    if (req.url === "/v2/someone/tiny-GGUF/manifests/Q4_K_M") {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ ggufFile: { rfilename: "tiny-Q4_K_M.gguf", size: model.length } }));
      return;
    }
    if (req.url === "/someone/tiny-GGUF/resolve/main/tiny-Q4_K_M.gguf" && serveModel) {
      fileRequests++;
      res.setHeader("content-length", String(model.length));
      res.end(model);
      return;
    }
    res.statusCode = 404;
    res.end("no");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await disposeIdleContexts();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

function agentWith(pull: string, modelsDir: string) {
  const agent = parseAgent(`---\nname: tiny\nprovider: embedded\nmodel: ${URI}\n${pull}---\nYou are tiny.\n`, "agents/tiny.md");
  const env = { BEAD_MODELS_DIR: modelsDir, BEAD_MODELS_BASE_URL: base };
  return providerFor({ ...agent, boardRoot: dir }, env)!;
}

const ask = { model: URI, messages: [{ role: "user" as const, content: "hi" }], options: { num_predict: 4 } };

describe("pull: auto", () => {
  it("fetches a missing model once for calls that need it at the same time, then answers", async () => {
    fileRequests = 0;
    const provider = agentWith("pull: auto\n", join(dir, "cache-a"));
    const replies = await Promise.all([provider.chat(ask), provider.chat(ask)]);
    expect(replies.map((reply) => reply.tokensOut)).toEqual([4, 4]);
    expect(fileRequests).toBe(1);
    expect(readFileSync(join(dir, "cache-a", "someone--tiny-GGUF--Q4_K_M.gguf")).equals(model)).toBe(true);
  });

  it("without pull: auto a missing model is not fetched: the error names the pull command", async () => {
    fileRequests = 0;
    const provider = agentWith("", join(dir, "cache-b"));
    const error = await provider.chat(ask).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelFileMissingError);
    expect((error as ModelFileMissingError).fetchCommand).toBe(`bead models pull ${URI}`);
    expect(fileRequests).toBe(0);
  });

  it("a hub that cannot serve it gives the model-missing error with the reason, and a later call tries again", async () => {
    serveModel = false;
    const provider = agentWith("pull: auto\n", join(dir, "cache-c"));
    const error = await provider.chat(ask).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelFileMissingError);
    expect((error as Error).message).toMatch(/pull: auto could not fetch it/);
    serveModel = true;
    expect((await provider.chat(ask)).tokensOut).toBe(4);
  });
});
