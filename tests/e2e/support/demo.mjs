// Starts the demo's Release build as a real process (dotnet <dll>) on a free loopback port and stops it again.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** The demo assembly eng/test.sh builds (dotnet build -c Release). */
export const demoDll = path.join(repoRoot, "samples", "AutomagikHello.Demo", "bin", "Release", "net10.0", "AutomagikHello.Demo.dll");

const startTimeoutMs = 60_000;
const stopTimeoutMs = 10_000;
const listeningLine = /Now listening on: (http:\/\/\S+)/;

/**
 * A running demo process.
 * @typedef {object} Demo
 * @property {string} baseUrl e.g. http://127.0.0.1:41234
 * @property {() => string} output everything the process wrote so far (stdout and stderr), for failure messages
 * @property {() => Promise<void>} stop SIGTERM, then SIGKILL if it has not exited after 10 s
 */

/**
 * Starts the demo in Development (so GET /debug/emails/{threadId} exists) with the in-memory thread store.
 * @param {{ expiringAfterMs?: number }} [options] how long the `expiring` agent's interrupts stay answerable
 * @returns {Promise<Demo>}
 */
export async function startDemo({ expiringAfterMs = 5000 } = {}) {
  if (!existsSync(demoDll)) {
    throw new Error(`The demo is not built: ${demoDll} is missing. Run eng/test.sh or dotnet build -c Release first.`);
  }

  const child = spawn("dotnet", [demoDll, "--urls", "http://127.0.0.1:0"], {
    cwd: path.dirname(demoDll),
    env: {
      ...process.env,
      ASPNETCORE_ENVIRONMENT: "Development",
      Demo__Store: "memory",
      Demo__ExpiringAfterMs: String(expiringAfterMs),
      DOTNET_NOLOGO: "1",
      DOTNET_CLI_TELEMETRY_OPTOUT: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });

  // A test process that dies before stop() must not leave the server behind.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  let output = "";
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));

  const baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`The demo did not report "Now listening on:" within ${startTimeoutMs} ms. Its output:\n${output}`));
    }, startTimeoutMs);
    const onData = (chunk) => {
      output += chunk.toString("utf8");
      const match = listeningLine.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`Could not start dotnet ${demoDll}: ${error.message}`));
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`The demo exited (code ${code}, signal ${signal}) before listening. Its output:\n${output}`));
    });
  });

  return {
    baseUrl,
    output: () => output,
    async stop() {
      process.removeListener("exit", killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) {
        return;
      }
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), stopTimeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
