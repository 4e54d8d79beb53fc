import { describe, expect, it } from "vitest";
import { renderMarkdown, safeUrl } from "../../src/serve/markdown.js";

describe("renderMarkdown: bead text is untrusted", () => {
  it("renders ordinary markdown to the fixed subset", () => {
    expect(renderMarkdown("# T\n\n- [x] done\n- two\n\n`a<b`\n\n```\n<x>\n```")).toBe(
      "<h1>T</h1><ul><li><p>[x] done</p></li><li><p>two</p></li></ul><p><code>a&#60;b</code></p><pre><code>&#60;x&#62;</code></pre>",
    );
  });

  it("shows raw HTML as text, never as markup", () => {
    const html = renderMarkdown('<img src=x onerror=alert(1)>\n\nhi <script>alert(1)</script> <a href="javascript:alert(1)">x</a>');
    expect(html).not.toMatch(/<(img|script|a )/i);
    expect(html).toContain("&#60;img src=x onerror=alert(1)&#62;");
  });

  it("keeps http(s), mailto and relative links, drops javascript:, data: and vbscript:", () => {
    expect(renderMarkdown("[a](https://x.test/?q=\"1\")")).toBe('<p><a href="https://x.test/?q=&#34;1&#34;" rel="noopener noreferrer nofollow" target="_blank">a</a></p>');
    for (const url of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "data:text/html,<b>", "vbscript:x", "java\tscript:x"]) {
      expect(safeUrl(url), url).toBeUndefined();
    }
    expect(renderMarkdown("[click](javascript:alert(1))")).toBe("<p>click</p>");
    expect(renderMarkdown("![pic](javascript:alert(1))")).toBe("<p>[pic]</p>");
    expect(safeUrl("docs/x.md#y")).toBe("docs/x.md#y");
    expect(safeUrl("mailto:a@b.test")).toBe("mailto:a@b.test");
  });

  it("escapes quotes in attributes and text", () => {
    expect(renderMarkdown('[x](/a"onmouseover="alert(1))')).not.toContain('"onmouseover');
    expect(renderMarkdown("a & 'b' \"c\"")).toBe("<p>a &#38; &#39;b&#39; &#34;c&#34;</p>");
  });
});
