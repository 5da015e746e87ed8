// Reads the code blocks a docs page marks for the tests: a `<!-- check: NAME -->` line right before a fenced block.
// The tests run those blocks as written, so the page cannot drift from what works.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root folder. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

const marked = /^<!-- check: ([\w.-]+) -->\n```[\w-]*\n([\s\S]*?)^```$/gm;

/**
 * The marked blocks of a file under the repository root, by name (each name once).
 * @param {string} relativePath e.g. docs/getting-started.md
 * @returns {Map<string, string>} the block's text, ending with a newline
 */
export function readMarkedBlocks(relativePath) {
  const text = readFileSync(path.join(repoRoot, relativePath), "utf8");
  const blocks = new Map();
  for (const [, name, body] of text.matchAll(marked)) {
    if (blocks.has(name)) {
      throw new Error(`${relativePath} marks two blocks "${name}"`);
    }
    blocks.set(name, body);
  }
  return blocks;
}

/**
 * The first fenced block of a language in a file under the repository root.
 * @param {string} relativePath
 * @param {string} language e.g. csharp
 * @returns {string | undefined}
 */
export function firstFencedBlock(relativePath, language) {
  const text = readFileSync(path.join(repoRoot, relativePath), "utf8");
  const match = new RegExp("^```" + language + "\\n([\\s\\S]*?)^```$", "m").exec(text);
  return match?.[1];
}

/**
 * The `data:` events of a Server-Sent Events body (or of a page's example of one), parsed.
 * @param {string} body
 * @returns {object[]}
 */
export function parseSseData(body) {
  return body
    .replace(/\r\n/g, "\n")
    .split("\n\n")
    .filter((frame) => frame.trim() !== "")
    .map((frame) => {
      const data = frame
        .split("\n")
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(line.startsWith("data: ") ? 6 : 5));
      return JSON.parse(data.join("\n"));
    });
}
