/**
 * Writes a tiny random-weight GGUF v3 model (~115 K parameters, F32, llama architecture,
 * byte-level GPT-2 vocabulary with ChatML specials) that node-llama-cpp loads on CPU in well
 * under a second. Tests use it so no test ever downloads a model.
 *
 * `stop` builds an end-token logit bias into the weights (a random model otherwise stops at an
 * end token about one run in four, and TokenBias ignores end tokens):
 *  - "never": the end tokens are strongly suppressed, so tests must pass a token limit;
 *  - "at-once": the end-of-turn token dominates, so generation stops immediately;
 *  - "random": no bias.
 * The bias rides on embedding dimension 0, held constant and kept out of every residual write
 * (row 0 of attn_output and ffn_down is zero), so output.weight[:,0] acts as a per-token bias.
 */
import { writeFile } from "node:fs/promises";

export type TinyStop = "never" | "at-once" | "random";

export interface TinyGgufOptions {
  stop?: TinyStop;
  /** Extra logit bias toward the `"` byte, so JSON strings under a grammar close. */
  quoteBias?: number;
  seed?: number;
}

const EMBED = 64;
const FFN = 128;
const BLOCKS = 2;
const HEADS = 4;
const ALIGN = 32;
const BYTE_TOKENS = 256;
const END_OF_TEXT = 256;
const IM_START = 257;
const IM_END = 258;
const VOCAB = 259;

const GGUF_UINT32 = 4;
const GGUF_INT32 = 5;
const GGUF_FLOAT32 = 6;
const GGUF_BOOL = 7;
const GGUF_STRING = 8;
const GGUF_ARRAY = 9;
const GGML_F32 = 0;

const CHATML_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** GPT-2's byte-to-unicode map: the printable form of every byte in a byte-level vocabulary. */
function gpt2ByteCharacters(): string[] {
  const direct: number[] = [];
  for (let b = 33; b <= 126; b++) direct.push(b);
  for (let b = 161; b <= 172; b++) direct.push(b);
  for (let b = 174; b <= 255; b++) direct.push(b);
  const chars = new Array<string>(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    if (direct.includes(b)) chars[b] = String.fromCodePoint(b);
    else chars[b] = String.fromCodePoint(256 + extra++);
  }
  return chars;
}

class ByteSink {
  private chunks: Buffer[] = [];
  length = 0;
  push(buffer: Buffer): void {
    this.chunks.push(buffer);
    this.length += buffer.length;
  }
  u32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value);
    this.push(b);
  }
  i32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(value);
    this.push(b);
  }
  u64(value: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(value));
    this.push(b);
  }
  f32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    this.push(b);
  }
  str(value: string): void {
    const bytes = Buffer.from(value, "utf8");
    this.u64(bytes.length);
    this.push(bytes);
  }
  pad(): void {
    const rest = this.length % ALIGN;
    if (rest !== 0) this.push(Buffer.alloc(ALIGN - rest));
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

type MetaValue =
  | { type: "u32"; value: number }
  | { type: "i32"; value: number }
  | { type: "f32"; value: number }
  | { type: "bool"; value: boolean }
  | { type: "str"; value: string }
  | { type: "strs"; value: string[] }
  | { type: "i32s"; value: number[] };

function writeMeta(sink: ByteSink, key: string, meta: MetaValue): void {
  sink.str(key);
  switch (meta.type) {
    case "u32":
      sink.u32(GGUF_UINT32);
      sink.u32(meta.value);
      break;
    case "i32":
      sink.u32(GGUF_INT32);
      sink.i32(meta.value);
      break;
    case "f32":
      sink.u32(GGUF_FLOAT32);
      sink.f32(meta.value);
      break;
    case "bool":
      sink.u32(GGUF_BOOL);
      sink.push(Buffer.from([meta.value ? 1 : 0]));
      break;
    case "str":
      sink.u32(GGUF_STRING);
      sink.str(meta.value);
      break;
    case "strs":
      sink.u32(GGUF_ARRAY);
      sink.u32(GGUF_STRING);
      sink.u64(meta.value.length);
      for (const s of meta.value) sink.str(s);
      break;
    case "i32s":
      sink.u32(GGUF_ARRAY);
      sink.u32(GGUF_INT32);
      sink.u64(meta.value.length);
      for (const n of meta.value) sink.i32(n);
      break;
  }
}

/** Deterministic PRNG (mulberry32) so a seed gives the same model every time. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Tensor {
  name: string;
  /** GGUF order: innermost dimension first. */
  dims: number[];
  data: Float32Array;
}

function buildTensors(options: TinyGgufOptions): Tensor[] {
  const next = random(options.seed ?? 12);
  const noise = (n: number, scale: number): Float32Array =>
    Float32Array.from({ length: n }, () => (next() * 2 - 1) * scale);
  const ones = (n: number): Float32Array => new Float32Array(n).fill(1);
  const stop = options.stop ?? "random";

  const embedding = noise(EMBED * VOCAB, 0.5);
  // Dimension 0 of every token's embedding is a constant: the carrier of the bias.
  for (let t = 0; t < VOCAB; t++) embedding[t * EMBED] = 1;

  const output = noise(EMBED * VOCAB, 0.5);
  for (let t = 0; t < VOCAB; t++) {
    let bias = 0;
    if (t === END_OF_TEXT || t === IM_END || t === IM_START) {
      bias = stop === "never" ? -400 : stop === "at-once" ? 400 : 0;
    }
    if (t === 0x22) bias += options.quoteBias ?? 0;
    output[t * EMBED] = bias;
  }

  const tensors: Tensor[] = [
    { name: "token_embd.weight", dims: [EMBED, VOCAB], data: embedding },
    { name: "output_norm.weight", dims: [EMBED], data: ones(EMBED) },
    { name: "output.weight", dims: [EMBED, VOCAB], data: output },
  ];
  for (let blk = 0; blk < BLOCKS; blk++) {
    const attnOutput = noise(EMBED * EMBED, 0.2);
    const ffnDown = noise(FFN * EMBED, 0.2);
    // Row 0 (output dimension 0) is zero so the constant carrier survives every residual add.
    attnOutput.fill(0, 0, EMBED);
    ffnDown.fill(0, 0, FFN);
    tensors.push(
      { name: `blk.${blk}.attn_norm.weight`, dims: [EMBED], data: ones(EMBED) },
      { name: `blk.${blk}.attn_q.weight`, dims: [EMBED, EMBED], data: noise(EMBED * EMBED, 0.2) },
      { name: `blk.${blk}.attn_k.weight`, dims: [EMBED, EMBED], data: noise(EMBED * EMBED, 0.2) },
      { name: `blk.${blk}.attn_v.weight`, dims: [EMBED, EMBED], data: noise(EMBED * EMBED, 0.2) },
      { name: `blk.${blk}.attn_output.weight`, dims: [EMBED, EMBED], data: attnOutput },
      { name: `blk.${blk}.ffn_norm.weight`, dims: [EMBED], data: ones(EMBED) },
      { name: `blk.${blk}.ffn_gate.weight`, dims: [EMBED, FFN], data: noise(EMBED * FFN, 0.2) },
      { name: `blk.${blk}.ffn_up.weight`, dims: [EMBED, FFN], data: noise(EMBED * FFN, 0.2) },
      { name: `blk.${blk}.ffn_down.weight`, dims: [FFN, EMBED], data: ffnDown },
    );
  }
  return tensors;
}

/** The GGUF file's bytes. */
export function tinyGguf(options: TinyGgufOptions = {}): Buffer {
  const byteChars = gpt2ByteCharacters();
  const tokens = [...byteChars, "<|endoftext|>", "<|im_start|>", "<|im_end|>"];
  const tokenTypes = [...new Array<number>(BYTE_TOKENS).fill(1), 3, 3, 3];
  const metadata: [string, MetaValue][] = [
    ["general.architecture", { type: "str", value: "llama" }],
    ["general.name", { type: "str", value: `tiny-test-${options.stop ?? "random"}` }],
    ["general.alignment", { type: "u32", value: ALIGN }],
    ["llama.context_length", { type: "u32", value: 2048 }],
    ["llama.embedding_length", { type: "u32", value: EMBED }],
    ["llama.block_count", { type: "u32", value: BLOCKS }],
    ["llama.feed_forward_length", { type: "u32", value: FFN }],
    ["llama.attention.head_count", { type: "u32", value: HEADS }],
    ["llama.attention.head_count_kv", { type: "u32", value: HEADS }],
    ["llama.rope.dimension_count", { type: "u32", value: EMBED / HEADS }],
    ["llama.rope.freq_base", { type: "f32", value: 10000 }],
    ["llama.attention.layer_norm_rms_epsilon", { type: "f32", value: 1e-5 }],
    ["llama.vocab_size", { type: "u32", value: VOCAB }],
    ["tokenizer.ggml.model", { type: "str", value: "gpt2" }],
    ["tokenizer.ggml.pre", { type: "str", value: "default" }],
    ["tokenizer.ggml.tokens", { type: "strs", value: tokens }],
    ["tokenizer.ggml.token_type", { type: "i32s", value: tokenTypes }],
    ["tokenizer.ggml.merges", { type: "strs", value: [] }],
    ["tokenizer.ggml.bos_token_id", { type: "u32", value: END_OF_TEXT }],
    ["tokenizer.ggml.eos_token_id", { type: "u32", value: IM_END }],
    ["tokenizer.ggml.padding_token_id", { type: "u32", value: END_OF_TEXT }],
    ["tokenizer.ggml.add_bos_token", { type: "bool", value: false }],
    ["tokenizer.chat_template", { type: "str", value: CHATML_TEMPLATE }],
  ];
  const tensors = buildTensors(options);

  const sink = new ByteSink();
  sink.push(Buffer.from("GGUF", "ascii"));
  sink.u32(3);
  sink.u64(tensors.length);
  sink.u64(metadata.length);
  for (const [key, value] of metadata) writeMeta(sink, key, value);

  let offset = 0;
  const offsets: number[] = [];
  for (const tensor of tensors) {
    sink.str(tensor.name);
    sink.u32(tensor.dims.length);
    for (const d of tensor.dims) sink.u64(d);
    sink.u32(GGML_F32);
    sink.u64(offset);
    offsets.push(offset);
    offset += Math.ceil((tensor.data.byteLength) / ALIGN) * ALIGN;
  }
  sink.pad();
  for (const tensor of tensors) {
    sink.push(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    sink.pad();
  }
  return sink.toBuffer();
}

/** Writes the tiny model to `path` and returns the path. */
export async function writeTinyGguf(path: string, options: TinyGgufOptions = {}): Promise<string> {
  await writeFile(path, tinyGguf(options));
  return path;
}
