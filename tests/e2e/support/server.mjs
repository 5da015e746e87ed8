// Starts a built ASP.NET Core app (dotnet <dll>) as a real process on a free loopback port and stops it again.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const watchdog = fileURLToPath(new URL("./demo-watchdog.mjs", import.meta.url));
const startTimeoutMs = 60_000;
const stopTimeoutMs = 15_000;
const listeningLine = /Now listening on: (http:\/\/\S+)/;

/**
 * A running server process.
 * @typedef {object} Server
 * @property {string} baseUrl e.g. http://127.0.0.1:41234
 * @property {() => string} output everything the process wrote so far (stdout and stderr), for failure messages
 * @property {() => Promise<void>} stop SIGTERM; the watchdog kills the server if it has not exited 10 s later
 */

/**
 * Starts `dotnet <dll> --urls http://127.0.0.1:0` in the dll's folder and waits for its "Now listening on:" line.
 * @param {string} dll the app's assembly
 * @param {Record<string, string>} [env] added to this process's environment
 * @returns {Promise<Server>}
 */
export async function startServer(dll, env = {}) {
  // Through the watchdog, in a process group of its own: the server dies with this process however it ends, and stop()
  // can end the whole group.
  const child = spawn(process.execPath, [watchdog, "dotnet", dll, "--urls", "http://127.0.0.1:0"], {
    cwd: path.dirname(dll),
    detached: true,
    env: {
      ...process.env,
      ...env,
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
      reject(new Error(`The server did not report "Now listening on:" within ${startTimeoutMs} ms. Its output:\n${output}`));
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
      reject(new Error(`Could not start the server watchdog: ${error.message}`));
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`The server exited (code ${code}, signal ${signal}) before listening. Its output:\n${output}`));
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
