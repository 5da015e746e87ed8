// docs/typescript-client.md, as written: its client block runs in a node process of its own (resolving @ag-ui/client
// from this folder) against the demo, and prints what the page says it prints.
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
const page = "docs/typescript-client.md";
const e2eDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

describe(`${page}, as written`, () => {
  const blocks = readMarkedBlocks(page);
  let demo;
  let script;
  before(async () => {
    demo = await startDemo();
  });
  after(async () => {
    if (script) rmSync(script, { force: true });
    await demo?.stop();
  });

  test("the page's client streams, is interrupted and resumes, printing what the page shows", async () => {
    script = path.join(e2eDir, `.typescript-client-${process.pid}.mjs`);
    writeFileSync(script, blocks.get("client"));

    const { stdout, stderr } = await run(process.execPath, [script], { cwd: e2eDir, env: { ...process.env, AGUI_BASE_URL: demo.baseUrl } });

    assert.equal(stdout, blocks.get("output"), `stderr:\n${stderr}`);
    assert.equal(stderr, "", "the client warned about nothing");
  });
});
