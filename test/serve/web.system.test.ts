import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { boardPaths } from "../../src/board/paths.js";
import { startServer, type RunningServer } from "../../src/serve/server.js";
import { runCli } from "../helpers/cli.js";
import { beadText } from "../helpers/beads.js";
import { cleanupTempBoards, gitEnv, makeTempBoard, type TempBoard } from "../helpers/temp-board.js";
import { launchChromium } from "./browser.js";
import { makeDemoBoard } from "./demo-board.js";

/**
 * The page in a real headless Chromium against a real temp board: what it shows, live updates
 * from a hand-saved file, and that creating, editing and dragging commit exactly what the CLI
 * commits. A twin board gets the same commands through the CLI, and the files and commits are
 * compared (timestamps and minted ids aside).
 */
const ENV = { ...gitEnv(), BEAD_ACTOR: "tester <tester@example.test>" };
const XSS = "<img src=x onerror=\"window.__pwned=1;alert(1)\">";
const FILES: Record<string, string> = {
  "beads/a.md": beadText(["title: Fix the login form", "status: open", "priority: 1", "labels: [ui, auth]"], "The form **forgets** the user.\n"),
  "beads/b.md": beadText(["title: Ship it", "status: open", "priority: 2", "deps: [a]"], ""),
  "beads/e.md": beadText(["title: Summarise the interviews", "status: open", "priority: 2", "escalation: requested"], "Needs a bigger model.\n"),
  "beads/m.md": beadText(["title: Count the notes", "status: done", "priority: 2"], ""),
  "notes.txt": "one\n",
  "beads/x.md": beadText([`title: '${XSS}'`, "status: open", "priority: 3", `labels: ['<script>window.__pwned=2</script>']`], `${XSS}\n\n<script>window.__pwned=3</script>\n\n[click](javascript:window.__pwned=4)\n`),
};

let browser: Browser;
let board: TempBoard;
let twin: TempBoard;
let server: RunningServer;
const stop = new AbortController();
const dialogs: string[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  board = await makeTempBoard(FILES);
  twin = await makeTempBoard(FILES);
  server = await startServer({ paths: boardPaths(board.dir), env: ENV, host: "127.0.0.1", port: 0, signal: stop.signal });
});

afterAll(async () => {
  stop.abort();
  await browser?.close();
  await cleanupTempBoards();
});

async function open(hash = ""): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`${server.url}${hash}`);
  await page.waitForSelector(".live.on");
  return page;
}

async function ids(page: Page, selector: string): Promise<Array<string | null>> {
  return Promise.all((await page.locator(selector).all()).map((card) => card.getAttribute("data-id")));
}

const stamp = (text: string) => text.replace(/(updated|created): .*/g, "$1: <time>");
const lastCommit = (b: TempBoard) => b.git(["show", "--name-only", "--format=%s|%an", "HEAD"]);

describe("bead serve in Chromium", () => {
  it("shows the board's beads in their columns, blocked-by-deps as blocked", async () => {
    const page = await open();
    await page.waitForSelector(".card");
    expect(await ids(page, ".col-open .card")).toEqual(["a", "e", "x"]);
    expect(await ids(page, ".col-blocked .card")).toEqual(["b"]);
    await page.fill("input[name=text]", "login");
    expect(await page.locator(".card").count()).toBe(1);
    await page.fill("input[name=text]", "");
    await page.selectOption("select[name=label]", "auth");
    expect(await ids(page, ".card")).toEqual(["a"]);
    await page.selectOption("select[name=label]", "");
    await page.selectOption("select[name=status]", "blocked");
    expect(await ids(page, ".card")).toEqual(["b"]);
    await page.close();
  });

  it("never runs an XSS payload in a title, a label or a body, and shows it as text", async () => {
    const page = await open();
    await page.waitForSelector(".card[data-id=x]");
    expect(await page.locator(".card[data-id=x] .title").textContent()).toBe(XSS);
    expect(await page.locator(".card[data-id=x] .label").textContent()).toBe("<script>window.__pwned=2</script>");
    await page.click(".card[data-id=x]");
    await page.waitForSelector(".markdown");
    expect(await page.locator(".markdown a").count()).toBe(0);
    expect(await page.locator(".markdown img, .markdown script").count()).toBe(0);
    await page.click(".bead h2"); // nothing to click through to, but any handler would have run by now
    expect(await page.evaluate(() => Reflect.get(globalThis, "__pwned"))).toBeUndefined();
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it("shows a file saved by hand without a reload", async () => {
    const page = await open();
    await page.waitForSelector(".card[data-id=a]");
    await page.evaluate(() => Reflect.set(globalThis, "__sameDocument", true));
    board.write("beads/hand.md", beadText(["title: Saved by hand", "status: open", "priority: 0"], ""));
    await page.waitForSelector(".card[data-id=hand]");
    expect(await page.evaluate(() => Reflect.get(globalThis, "__sameDocument"))).toBe(true);
    twin.write("beads/hand.md", beadText(["title: Saved by hand", "status: open", "priority: 0"], ""));
    board.git(["add", "-A"]);
    board.git(["commit", "-qm", "hand"]);
    twin.git(["add", "-A"]);
    twin.git(["commit", "-qm", "hand"]);
    await page.close();
  });

  it("creating a bead from the page commits what `bead new` commits", async () => {
    const page = await open();
    await page.click("#new-bead");
    await page.fill("dialog input[name=title]", "Write the docs");
    await page.selectOption("dialog select[name=priority]", "1");
    await page.fill("dialog input[name=labels]", "docs, web");
    await page.fill("dialog textarea[name=body]", "Explain `bead serve`.");
    await page.click("dialog button[name=create]");
    const card = page.locator(".card", { hasText: "Write the docs" });
    await card.waitFor();
    const id = (await card.getAttribute("data-id")) ?? "";
    const cli = await runCli(["new", "Write the docs", "--priority", "1", "--label", "docs", "--label", "web", "--body", "Explain `bead serve`.", "--json"], { cwd: twin.dir, env: ENV });
    const twinId = (JSON.parse(cli.stdout) as { id: string }).id;
    expect(stamp(board.read(`beads/${id}.md`))).toBe(stamp(twin.read(`beads/${twinId}.md`)));
    expect(lastCommit(board).replaceAll(id, "<id>")).toBe(lastCommit(twin).replaceAll(twinId, "<id>"));
    await page.close();
  });

  it("editing fields on the bead's page commits what `bead set` commits", async () => {
    const page = await open("#/bead/a");
    await page.waitForSelector("form.fields");
    await page.fill("form.fields input[name=title]", "Fix the login form for good");
    await page.click("button[name=save-fields]");
    await page.waitForSelector(".bead h2:has-text('for good')");
    await runCli(["set", "a", "title=Fix the login form for good"], { cwd: twin.dir, env: ENV });
    expect(stamp(board.read("beads/a.md"))).toBe(stamp(twin.read("beads/a.md")));
    expect(lastCommit(board)).toBe(lastCommit(twin));
    await page.close();
  });

  it("dragging a card to done commits what `bead close` commits", async () => {
    const page = await open();
    await page.waitForSelector(".card[data-id=a]");
    await page.dragAndDrop(".card[data-id=a]", ".col-done");
    await page.waitForSelector(".col-done .card[data-id=a]");
    // b waited on a: now it is ready, and shows as open without a reload.
    await page.waitForSelector(".col-open .card[data-id=b]");
    await runCli(["close", "a"], { cwd: twin.dir, env: ENV });
    expect(stamp(board.read("beads/a.md"))).toBe(stamp(twin.read("beads/a.md")));
    expect(lastCommit(board)).toBe(lastCommit(twin));
    await page.close();
  });

  it("approving an escalation and adding a dependency commit what `bead set` and `bead dep add` commit", async () => {
    const page = await open("#/bead/e");
    await page.click("button[name=approve]");
    await page.waitForSelector(".frontmatter td:has-text('approved')");
    await runCli(["set", "e", "escalation=approved"], { cwd: twin.dir, env: ENV });
    expect(stamp(board.read("beads/e.md"))).toBe(stamp(twin.read("beads/e.md")));
    expect(lastCommit(board)).toBe(lastCommit(twin));
    await page.fill("input[name=blocker]", "x");
    await page.click("button[name=add-dep]");
    await page.waitForSelector(".deps li a:has-text('x')");
    await runCli(["dep", "add", "e", "x"], { cwd: twin.dir, env: ENV });
    expect(stamp(board.read("beads/e.md"))).toBe(stamp(twin.read("beads/e.md")));
    expect(lastCommit(board)).toBe(lastCommit(twin));
    await page.close();
  });

  it("shows a conflict with a concurrent save instead of overwriting it", async () => {
    const page = await open("#/bead/b");
    await page.waitForSelector("button[name=edit-body]");
    await page.click("button[name=edit-body]");
    await page.fill("textarea[name=body]", "My version.");
    const byHand = board.read("beads/b.md").replace("Ship it", "Ship it (renamed by hand)");
    board.write("beads/b.md", byHand);
    await page.click("button[name=save-body]");
    await page.waitForSelector(".notice.error");
    expect(await page.locator(".notice").textContent()).toContain("Conflict");
    expect(board.read("beads/b.md")).toBe(byHand);
    await page.close();
  });

  it("merging a done bead's branch from the page does what `bead merge` does", async () => {
    const leaveWork = (b: TempBoard) => {
      const main = b.git(["rev-parse", "--abbrev-ref", "HEAD"]).trim();
      b.git(["checkout", "-q", "-b", "bead/m"]);
      b.write("notes.txt", "one\ntwo\n");
      b.git(["commit", "-qam", "m: count to two"]);
      b.git(["checkout", "-q", main]);
    };
    leaveWork(board);
    leaveWork(twin);
    const page = await open("#/bead/m");
    await page.waitForSelector(".branch .diff");
    await page.click("button[name=merge]");
    await page.waitForSelector(".frontmatter th:has-text('merged')");
    expect(await page.locator(".branch").count()).toBe(0);
    await runCli(["merge", "m"], { cwd: twin.dir, env: ENV });
    const hex = (text: string) => text.replace(/[0-9a-f]{40}/g, "<oid>").replace(/\([0-9a-f]{8}\)/g, "(<oid>)");
    expect(board.read("notes.txt")).toBe("one\ntwo\n");
    expect(hex(board.read("beads/m.md"))).toBe(hex(twin.read("beads/m.md")));
    expect(hex(lastCommit(board))).toBe(hex(lastCommit(twin)));
    expect(board.git(["branch", "--list", "bead/m"]).trim()).toBe("");
    expect(board.git(["status", "--porcelain"])).toBe("");
    await page.close();
  });

  it("shows why a conflicting branch was not merged, and changes nothing", async () => {
    const main = board.git(["rev-parse", "--abbrev-ref", "HEAD"]).trim();
    const first = board.git(["rev-list", "--max-parents=0", "HEAD"]).trim();
    board.git(["checkout", "-q", "-b", "bead/e", first]);
    board.write("notes.txt", "uno\n");
    board.git(["commit", "-qam", "e: rewrite"]);
    board.git(["checkout", "-q", main]);
    await runCli(["close", "e"], { cwd: board.dir, env: ENV });
    const head = board.git(["rev-parse", "HEAD"]).trim();
    const page = await open("#/bead/e");
    await page.waitForSelector(".branch .diff");
    await page.click("button[name=merge]");
    await page.waitForSelector(".notice.error");
    expect(await page.locator(".notice").textContent()).toContain("conflicts with the board's branch in notes.txt");
    expect(board.git(["rev-parse", "HEAD"]).trim()).toBe(head);
    expect(board.git(["branch", "--list", "bead/e"]).trim()).toBe("bead/e");
    expect(board.read("notes.txt")).toBe("one\ntwo\n");
    await page.close();
  });

  it("the page's own requests are refused without its CSRF token or from another origin", async () => {
    const page = await open();
    const statuses = await page.evaluate(async () => {
      const plain = await fetch("/api/bead/b/status", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ version: "f:x", status: "done" }) });
      return [plain.status];
    });
    expect(statuses).toEqual([403]);
    const other = await browser.newPage();
    await other.goto("about:blank");
    const fromElsewhere = await other.evaluate(async (url) => {
      try {
        const answer = await fetch(`${url}api/beads`, { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" }, body: JSON.stringify({ title: "csrf" }) });
        return answer.type;
      } catch (error) {
        return String(error);
      }
    }, server.url);
    expect(["opaque", "TypeError: Failed to fetch"]).toContain(fromElsewhere);
    expect(board.git(["log", "--format=%s"])).not.toContain("csrf");
    await other.close();
    await page.close();
  });
});

describe.runIf(process.env.BEAD_SCREENSHOTS === "1")("screenshots for docs/", () => {
  it("takes one of each view of a lived-in board", async () => {
    const demo = await makeDemoBoard(Date.now());
    const demoStop = new AbortController();
    const demoServer = await startServer({ paths: boardPaths(demo.dir), env: ENV, host: "127.0.0.1", port: 0, signal: demoStop.signal });
    mkdirSync("docs", { recursive: true });
    const page = await browser.newPage({ viewport: { width: 1440, height: 820 } });
    const shoot = async (hash: string, selector: string, file: string) => {
      await page.goto(`${demoServer.url}${hash}`);
      await page.waitForSelector(selector);
      await page.waitForSelector(".live.on");
      await page.screenshot({ path: `docs/${file}` });
    };
    await shoot("", ".card", "web-board.png");
    await shoot("#/bead/bb-1a2b", ".markdown", "web-bead.png");
    await shoot("#/bead/bb-0v1w", ".diff", "web-branch.png");
    await shoot("#/agents", ".agents table", "web-agents.png");
    await shoot("#/numbers", ".chart", "web-numbers.png");
    await page.close();
    demoStop.abort();
  });
});
