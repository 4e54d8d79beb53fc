/**
 * The small instruct model that `bead init --embedded` and the example board's agents/tiny.md
 * offer: named here once (a test holds agents/tiny.md to it). Under ~1 GB, so the quick start
 * downloads it in a minute and a CPU runs it.
 */
export const DEFAULT_EMBEDDED_MODEL = "hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M";
/** Its download size as the person is told before fetching (the pull itself states the exact size). */
export const DEFAULT_EMBEDDED_MODEL_SIZE = "~490 MB";
