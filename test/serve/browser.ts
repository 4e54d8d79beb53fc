import { execFileSync } from "node:child_process";
import { chromium, type Browser } from "playwright-core";

/** Debian's chromium (CI installs it in .ci/run). Test-only. */
export function chromiumPath(): string {
  try {
    return execFileSync("which", ["chromium"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("the browser tests need Debian's chromium on PATH: apt-get install chromium (.ci/run installs it on CI)");
  }
}

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: the tests run as root in containers, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: chromiumPath(), args: ["--no-sandbox"] });
}
