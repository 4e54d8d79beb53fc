import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/errors.js";
import { cachedFileName, modelsDir, parseHfUri, pullCommandFor, resolveModelFile } from "../../src/model/model-ref.js";

describe("model references of embedded agents", () => {
  it("hf:<user>/<repo>:<quant> and hf:<user>/<repo>/<file>.gguf parse; the cache name comes from the URI alone", () => {
    const quant = parseHfUri("hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M");
    expect(quant).toMatchObject({ user: "Qwen", repo: "Qwen2.5-0.5B-Instruct-GGUF", quant: "Q4_K_M", file: undefined });
    expect(cachedFileName(quant)).toBe("Qwen--Qwen2.5-0.5B-Instruct-GGUF--Q4_K_M.gguf");
    const file = parseHfUri("hf:a/b/model-q8.gguf");
    expect(file).toMatchObject({ quant: undefined, file: "model-q8.gguf" });
    expect(cachedFileName(file)).toBe("a--b--model-q8.gguf");
  });

  it("malformed or path-escaping hf: URIs are refused with the accepted forms", () => {
    for (const bad of ["hf:a", "hf:a/b", "hf:../b:Q4", "hf:a/b:../x", "hf:a/b/../../x.gguf", "hf:a/b/c.bin", "hf:a/b/c/d.gguf", "hf:a/b:"]) {
      expect(() => parseHfUri(bad), bad).toThrow(ConfigError);
    }
    expect(() => parseHfUri("hf:a")).toThrow(/hf:<user>\/<repo>:<quant>/);
  });

  it("the cache dir: BEAD_MODELS_DIR, else XDG_CACHE_HOME/beadboard/models, else ~/.cache/beadboard/models", () => {
    expect(modelsDir({ BEAD_MODELS_DIR: "/m", XDG_CACHE_HOME: "/x", HOME: "/h" })).toBe("/m");
    expect(modelsDir({ XDG_CACHE_HOME: "/x", HOME: "/h" })).toBe(join("/x", "beadboard", "models"));
    expect(modelsDir({ HOME: "/h" })).toBe(join("/h", ".cache", "beadboard", "models"));
  });

  it("model files: absolute as given, relative to the board, hf: in the cache; only hf: has a pull command", () => {
    const env = { BEAD_MODELS_DIR: "/m" };
    expect(resolveModelFile("/abs/x.gguf", "/board", env)).toBe("/abs/x.gguf");
    expect(resolveModelFile("models/x.gguf", "/board", env)).toBe(join("/board", "models", "x.gguf"));
    expect(resolveModelFile("hf:a/b:Q4_0", "/board", env)).toBe(join("/m", "a--b--Q4_0.gguf"));
    expect(pullCommandFor("hf:a/b:Q4_0")).toBe("bead models pull hf:a/b:Q4_0");
    expect(pullCommandFor("x.gguf")).toBeUndefined();
  });
});
