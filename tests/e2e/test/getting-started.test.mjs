// docs/getting-started.md, word for word, on an empty NuGet cache: the packages packed from this checkout into a local
// folder, the page's nuget.config, a fresh `dotnet new web` app that adds the hosting package, the page's Program.cs
// built with warnings as errors, and the page's curl answered as the page shows. Also what nuget.org will show: every
// package with symbols, SourceLink, its own README with absolute links, the icon and the repository set once.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, describe, test } from "node:test";
import { firstFencedBlock, parseSseData, readMarkedBlocks, repoRoot } from "../support/doc-blocks.mjs";
import { startServer } from "../support/server.mjs";
import { readZip } from "../support/zip.mjs";

const run = promisify(execFile);
const page = "docs/getting-started.md";
const repositoryUrl = /<RepositoryUrl>([^<]+)<\/RepositoryUrl>/.exec(readFileSync(path.join(repoRoot, "Directory.Build.props"), "utf8"))?.[1];
const packageProjects = readdirSync(path.join(repoRoot, "src"), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(path.join(repoRoot, "src", entry.name, `${entry.name}.csproj`)))
  .map((entry) => entry.name);

/** Runs a shell snippet from the page with bash -e; its output is in the error when it fails. */
async function shell(script, cwd, env) {
  try {
    return await run("bash", ["-euo", "pipefail", "-c", script], { cwd, env, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    throw new Error(`${script}\nfailed (exit ${error.code}):\n${error.stdout}\n${error.stderr}`);
  }
}

/** Replaces each message id by its order of appearance, so a run compares with the page's example. */
function withStableIds(events) {
  const ids = new Map();
  return events.map((event) =>
    event.messageId === undefined ? event : { ...event, messageId: ids.get(event.messageId) ?? ids.set(event.messageId, `id${ids.size}`).get(event.messageId) },
  );
}

describe(`${page}, word for word, on an empty NuGet cache`, () => {
  const blocks = readMarkedBlocks(page);
  let work;
  let env;
  before(() => {
    work = mkdtempSync(path.join(os.tmpdir(), "agui-getting-started-"));
    // NuGet's package folder starts empty, so our packages can only come from the page's local folder; nuget.org (or
    // NuGet's HTTP cache) serves the rest.
    env = { ...process.env, NUGET_PACKAGES: path.join(work, ".nuget-packages"), DOTNET_NOLOGO: "1", DOTNET_CLI_TELEMETRY_OPTOUT: "1" };
  });
  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test("the page clones the repository named once in Directory.Build.props, and packs every src project", { timeout: 180_000 }, async () => {
    assert.match(repositoryUrl ?? "", /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
    const [clone, pack, ...rest] = blocks.get("pack").trimEnd().split("\n");
    assert.equal(clone, `git clone ${repositoryUrl}`);
    assert.equal(pack, 'for p in AutomagikHello.AgUi/src/*/; do dotnet pack "$p" -c Release -o packages; done');
    assert.deepEqual(rest, []);
    // This checkout stands for the clone; its Release build (eng/test.sh builds it) is packed as it is.
    await shell(pack.replace("AutomagikHello.AgUi/src/*/", `${repoRoot}/src/*/`).replace("-o packages", "-o packages --no-build"), work, env);

    for (const id of packageProjects) {
      const nupkg = readZip(path.join(work, "packages", `${id}.0.1.0.nupkg`));
      const nuspec = nupkg.get(`${id}.nuspec`).toString("utf8");
      assert.match(nuspec, new RegExp(`<repository type="git" url="${repositoryUrl}"[^>]* commit="[0-9a-f]{40}"`), `${id}: repository`);
      assert.match(nuspec, new RegExp(`<projectUrl>${repositoryUrl}</projectUrl>`), `${id}: project URL`);
      assert.match(nuspec, /<license type="expression">MIT<\/license>/, `${id}: licence`);
      assert.match(nuspec, /<icon>icon\.png<\/icon>/, `${id}: icon`);
      assert.ok(nupkg.get("icon.png")?.subarray(1, 4).toString() === "PNG", `${id}: icon.png is a PNG`);
      // OpenAPI descriptions from the package (docs/openapi.md): the XML docs, and the target that hands them to the generator.
      assert.match(nupkg.get(`lib/net10.0/${id}.xml`)?.toString("utf8") ?? "", /<member name="T:/, `${id}: XML documentation`);
      assert.match(nupkg.get(`buildTransitive/${id}.targets`)?.toString("utf8") ?? "", /AdditionalFiles/, `${id}: OpenAPI XML docs target`);

      const readme = nupkg.get("README.md").toString("utf8");
      assert.match(readme, new RegExp(`^# ${id.replaceAll(".", "\\.")}\\n`), `${id}: its own README`);
      const links = [...readme.matchAll(/\]\(([^)]+)\)/g)].map((match) => match[1]);
      assert.ok(links.length > 0, `${id}: README links to the docs`);
      for (const link of links) {
        assert.match(link, /^https:\/\//, `${id}: README link ${link} is absolute`);
      }
      for (const doc of links.filter((link) => link.startsWith(repositoryUrl))) {
        const file = doc.slice(`${repositoryUrl}/blob/main/`.length);
        assert.ok(existsSync(path.join(repoRoot, file)), `${id}: README link ${doc} names a file of the repository`);
      }

      const symbols = readZip(path.join(work, "packages", `${id}.0.1.0.snupkg`));
      const pdb = symbols.get(`lib/net10.0/${id}.pdb`);
      assert.ok(pdb, `${id}: the .snupkg holds the PDB`);
      const sourceLink = /\{"documents":\{[^}]*\}\}/.exec(pdb.toString("latin1"))?.[0];
      assert.match(sourceLink ?? "", /"https:\/\/raw\.githubusercontent\.com\/[\w.-]+\/[\w.-]+\/[0-9a-f]{40}\/\*"/, `${id}: SourceLink`);
      assert.ok(sourceLink.includes(repositoryUrl.replace("https://github.com/", "https://raw.githubusercontent.com/")), `${id}: SourceLink names ${repositoryUrl}`);
    }
  });

  test("the first agent of README.md and of the hosting package's README is the page's", () => {
    assert.equal(firstFencedBlock("README.md", "csharp"), blocks.get("program"));
    assert.equal(firstFencedBlock("src/AutomagikHello.AgUi.AspNetCore/README.md", "csharp"), blocks.get("program"));
  });

  test("a fresh app restores with the page's nuget.config, builds with warnings as errors and answers as the page shows", { timeout: 240_000 }, async () => {
    assert.ok(existsSync(path.join(work, "packages", "AutomagikHello.AgUi.AspNetCore.0.1.0.nupkg")), "packed by the test before");
    writeFileSync(path.join(work, "nuget.config"), blocks.get("nuget.config"));
    await shell(blocks.get("new-app"), work, env);
    const app = path.join(work, "hello");
    const restored = readdirSync(env.NUGET_PACKAGES);
    assert.ok(restored.includes("automagikhello.agui.aspnetcore") && restored.includes("jsonschema.net"), `restored: ${restored}`);

    writeFileSync(path.join(app, "Program.cs"), blocks.get("program"));
    await shell("dotnet build -warnaserror", app, env);

    assert.equal(blocks.get("run"), "dotnet run --urls http://localhost:5050\n");
    const server = await startServer(path.join(app, "bin", "Debug", "net10.0", "hello.dll"));
    try {
      const call = blocks.get("call");
      assert.ok(call.includes("http://localhost:5050/agents/hello"));
      const { stdout } = await shell(call.replaceAll("http://localhost:5050", server.baseUrl), work, env);
      assert.deepEqual(withStableIds(parseSseData(stdout)), withStableIds(parseSseData(blocks.get("answer"))), `answered:\n${stdout}`);
    } finally {
      await server.stop();
    }
  });
});
