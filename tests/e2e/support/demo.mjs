// Starts the demo's Release build as a real process (dotnet <dll>) on a free loopback port and stops it again.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** The demo assembly eng/test.sh builds (dotnet build -c Release). */
export const demoDll = path.join(repoRoot, "samples", "AutomagikHello.Demo", "bin", "Release", "net10.0", "AutomagikHello.Demo.dll");

const watchdog = fileURLToPath(new URL("./demo-watchdog.mjs", import.meta.url));
const startTimeoutMs = 60_000;
const stopTimeoutMs = 15_000;
const listeningLine = /Now listening on: (http:\/\/\S+)/;

/**
 * A running demo process.
 * @typedef {object} Demo
 * @property {string} baseUrl e.g. http://127.0.0.1:41234
 * @property {() => string} output everything the process wrote so far (stdout and stderr), for failure messages
 * @property {() => Promise<void>} stop SIGTERM; the watchdog kills the demo if it has not exited 10 s later
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

  // Through the watchdog, in a process group of its own: the demo dies with this process however it ends, and stop()
  // can end the whole group.
  const child = spawn(process.execPath, [watchdog, "dotnet", demoDll, "--urls", "http://127.0.0.1:0"], {
    cwd: path.dirname(demoDll),
    detached: true,
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

  // A test process that exits before stop() must not leave the server behind (the watchdog covers being killed).
  const killGroup = () => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  };
  process.once("exit", killGroup);

  let output = "";
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));

  const baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup();
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
      reject(new Error(`Could not start the demo watchdog: ${error.message}`));
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
      process.removeListener("exit", killGroup);
      if (child.exitCode !== null || child.signalCode !== null) {
        return;
      }
      child.kill("SIGTERM");
      const timer = setTimeout(killGroup, stopTimeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
