// The docs pages' @ag-ui/client code, as written: each page's client block runs in a node process of its own
// (resolving @ag-ui/client from this folder) against the demo, and prints what the page says it prints.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { after, before, describe, test } from "node:test";
import { startDemo } from "../support/demo.mjs";
import { readMarkedBlocks } from "../support/doc-blocks.mjs";

const run = promisify(execFile);
const e2eDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Each page with the behaviour its client block shows. */
const pages = [
  ["docs/typescript-client.md", "the page's client streams, is interrupted and resumes, printing what the page shows"],
  ["docs/real-model.md", "the page's client round-trips a frontend tool and approves an email, printing what the page shows"],
];

describe("docs pages' @ag-ui/client code, as written", () => {
  let demo;
  const scripts = [];
  before(async () => {
    demo = await startDemo();
  });
  after(async () => {
    for (const script of scripts) rmSync(script, { force: true });
    await demo?.stop();
  });

  for (const [page, behaviour] of pages) {
    test(`${page}: ${behaviour}`, async () => {
      const blocks = readMarkedBlocks(page);
      const script = path.join(e2eDir, `.${path.basename(page, ".md")}-${process.pid}.mjs`);
      scripts.push(script);
      writeFileSync(script, blocks.get("client"));

      const { stdout, stderr } = await run(process.execPath, [script], { cwd: e2eDir, env: { ...process.env, AGUI_BASE_URL: demo.baseUrl } });

      assert.equal(stdout, blocks.get("output"), `stderr:\n${stderr}`);
      assert.equal(stderr, "", "the client warned about nothing");
    });
  }
});
