/** Files `bead init` writes into a new board. Kept as data here so init stays a thin command. */

export const AGENTS_MD = `# Working on this board (for coding agents)

This repository is a **beadboard**: work items ("beads") are markdown files in \`beads/\`,
one per file, with YAML front-matter. Use the \`bead\` CLI rather than editing status fields
by hand, so that claims stay exactly-once and every change is a small git commit.

## Find work

    bead ready --json            # open beads whose deps are done, most urgent first
    bead show <id> --json        # one bead with its body

## Claim before you start, and only work what you hold

    bead claim <id> --as <your-name> --lease 30m   # exit 3: someone else holds it; pick another
    bead release <id> --as <your-name>             # give it back if you stop

## Record results

- Put your result under a \`## Result\` heading in the bead's body.
- \`bead close <id> --reason "..."\` when done; \`bead set <id> status=failed\` if it cannot be done.
- New work you discover: \`bead new "<title>" --dep <id> --label <label>\` (prints the new id).
- What you learned that others should know: append a bullet to \`memory/MEMORY.md\`.

## Rules

- Never change \`claimed_by\`, \`claimed_at\` or \`lease_until\` yourself.
- Beads marked \`sensitivity: private\` or \`secret\` must not be sent to any remote service.
- \`bead lint\` must pass before you commit (the pre-commit hook runs it).

## Through MCP instead of the shell

\`bead mcp\` serves this board over the Model Context Protocol: \`.mcp.json\` (Claude Code) and
\`.qwen/settings.json\` (Qwen Code) already name it. The tools are the commands above
(\`ready\`, \`show\`, \`claim\`, \`update\`, \`close\`, \`memory_append\`, …) with the same rules;
claims are made in the client's name, or \`bead mcp --as <your-name>\`. Other clients: run
\`bead mcp\` in this directory over stdio.

## Seeing problems while editing

Live problems in VS Code come from the "bead: lint (watch)" task in \`.vscode/tasks.json\`,
which starts when the folder opens (in a trusted workspace; else start it with "Tasks: Run
Task"). Other editors can run \`bead lint --watch\`, or \`bead lint\` with the errorformat
\`%f:%l: %m\`.
`;

export const MEMORY_MD = `# Shared memory

Long-term notes shared by every agent of this board. People curate this file; agents append
notes marked as shared under dated headings. Edit freely.
`;

export const EXAMPLE_AGENT = `---
name: reporter
provider: builtin
action: report
takes: { labels: [report] }
concurrency: 1
lease: 5m
---
Writes a status summary of the board as the result of any bead labelled \`report\`.
Needs no model server.

An Ollama agent looks like this (save as agents/<name>.md):

    ---
    name: codemonkey
    provider: ollama
    model: qwen3:8b
    takes: { labels: [code], types: [task, bug] }
    options: { num_ctx: 16384, temperature: 0.2 }
    ---
    You are CodeMonkey. Persona, rules and style go here: this body is the system prompt.
`;

export const BOARD_CONFIG = (prefix: string, remote?: string) => `# beadboard settings (all optional)
prefix: ${prefix}            # new bead ids look like ${prefix}-k3q9
policy:
  remote_max: internal  # the most sensitive bead a remote (cloud) model may see
  local_only: false     # true forbids remote models outright
${remote ? `remote:\n  url: ${remote}\n  token_env: BEAD_TOKEN   # the token is read from this environment variable, never stored here\n` : ""}`;

/**
 * The committed hook: the same bytes on every clone, so no path of the machine that ran `bead init`.
 * That machine's bin/bead.js goes into its own .git/config (beadboard.bin), which is never shared.
 */
export const PRE_COMMIT_HOOK = `#!/bin/sh
# Installed by \`bead init\`: refuse commits that would put an invalid bead or agent file on the board.
# Finds bead in node_modules/.bin, on PATH, at this clone's \`git config beadboard.bin\`, or through npx.
if [ -x node_modules/.bin/bead ]; then
  exec node_modules/.bin/bead lint --staged
fi
if command -v bead >/dev/null 2>&1; then
  exec bead lint --staged
fi
bin=$(git config --get beadboard.bin 2>/dev/null)
if [ -n "$bin" ] && [ -f "$bin" ]; then
  exec node "$bin" lint --staged
fi
if command -v npx >/dev/null 2>&1 && npx --no-install bead --version >/dev/null 2>&1; then
  exec npx --no-install bead lint --staged
fi
echo "beadboard: bead not found (looked in node_modules/.bin, PATH, git config beadboard.bin, npx); bead files were NOT checked." >&2
echo "beadboard: install it (npm install --save-dev beadboard) or run: git config beadboard.bin /path/to/beadboard/bin/bead.js" >&2
exit 0
`;

export const VSCODE_SETTINGS = `{
  "yaml.schemas": {
    "./.beadboard/bead.schema.json": ["beads/*.md"]
  },
  "files.associations": {
    "beads/*.md": "markdown"
  }
}
`;

/** agents/tiny.md of `bead init --embedded` (and of the example board): a model inside bead, no server. */
export const EMBEDDED_AGENT = (model: string, size: string) => `---
name: tiny
provider: embedded
# The demo's embedded model (${size}, runs on the CPU inside \`bead\`): fetch it with
# \`bead models pull ${model}\` (npm run demo does).
model: ${model}
takes: { labels: [tiny] }
concurrency: 1
lease: 15m
timeout: 10m
options: { num_ctx: 4096, num_predict: 512, temperature: 0.2 }
clearance: private
---
You are Tiny, a small model running inside beadboard itself. Answer briefly and plainly.
`;
