/**
 * `bead init --agents claude,qwen,gemini`: a marked block of board instructions in each coding
 * agent's instruction file. bead rewrites only what lies between its markers; a file without
 * them belongs to the person and is left alone (init says so). Pure.
 */
export const BLOCK_BEGIN = "<!-- beadboard:begin (kept up to date by `bead init --agents`; edits between these markers are replaced) -->";
export const BLOCK_END = "<!-- beadboard:end -->";

/** Which file each agent reads its project instructions from. */
export const AGENT_FILES: Readonly<Record<string, string>> = {
  agents: "AGENTS.md",
  codex: "AGENTS.md",
  claude: "CLAUDE.md",
  gemini: "GEMINI.md",
  qwen: "QWEN.md",
};

export function agentFilesFor(names: readonly string[]): string[] {
  const files = new Set<string>(["AGENTS.md"]);
  for (const name of names) {
    const file = AGENT_FILES[name.toLowerCase()];
    if (file === undefined) throw new Error(`unknown agent ${JSON.stringify(name)}: use ${Object.keys(AGENT_FILES).join(", ")}`);
    files.add(file);
  }
  return [...files];
}

export function renderBlock(instructions: string): string {
  return `${BLOCK_BEGIN}\n${instructions.trim()}\n${BLOCK_END}\n`;
}

/**
 * The file with the block brought up to date, a note when the file is not ours to change, or
 * undefined when it is already current. `owned` are texts bead itself wrote there before
 * (an AGENTS.md from a plain `bead init`), which may be replaced whole.
 */
export function withAgentBlock(file: string, existing: string, instructions: string, owned: readonly string[] = []): { content: string } | { note: string } | undefined {
  const block = renderBlock(instructions);
  const begin = existing.indexOf(BLOCK_BEGIN);
  const end = existing.indexOf(BLOCK_END);
  if (begin === -1 && end === -1) {
    if (owned.includes(existing)) return { content: block };
    return { note: `${file} has no beadboard markers, so it is yours; left as it is (to have bead keep instructions there, add the lines ${BLOCK_BEGIN.slice(0, 24)}… and ${BLOCK_END}, or delete the file and run \`bead init --agents\` again)` };
  }
  if (begin === -1 || end === -1 || end < begin || existing.indexOf(BLOCK_BEGIN, begin + 1) !== -1) {
    return { note: `${file}: its beadboard markers are not one begin followed by one end; left as it is (fix the markers and run \`bead init --agents\` again)` };
  }
  const endOfBlock = end + BLOCK_END.length + (existing[end + BLOCK_END.length] === "\n" ? 1 : existing.startsWith("\r\n", end + BLOCK_END.length) ? 2 : 0);
  const content = existing.slice(0, begin) + block + existing.slice(endOfBlock);
  return content === existing ? undefined : { content };
}
