// Starts the demo's Release build as a real process (dotnet <dll>) on a free loopback port and stops it again.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startServer } from "./server.mjs";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** The demo assembly eng/test.sh builds (dotnet build -c Release). */
export const demoDll = path.join(repoRoot, "samples", "AutomagikHello.Demo", "bin", "Release", "net10.0", "AutomagikHello.Demo.dll");

/**
 * A running demo process.
 * @typedef {import("./server.mjs").Server} Demo
 */

/**
 * Starts the demo in Development (so GET /debug/emails/{threadId} exists) with the in-memory thread store. The
 * assistant runs on its offline scripted chat client whatever model the caller's environment names, unless `env`
 * configures one.
 * @param {{ expiringAfterMs?: number, env?: Record<string, string | undefined> }} [options] how long the `expiring`
 *   agent's interrupts stay answerable; more environment (an undefined value removes a variable)
 * @returns {Promise<Demo>}
 */
export async function startDemo({ expiringAfterMs = 5000, env = {} } = {}) {
  if (!existsSync(demoDll)) {
    throw new Error(`The demo is not built: ${demoDll} is missing. Run eng/test.sh or dotnet build -c Release first.`);
  }
  return startServer(demoDll, {
    ASPNETCORE_ENVIRONMENT: "Development",
    Demo__Store: "memory",
    Demo__ExpiringAfterMs: String(expiringAfterMs),
    // Blank: the assistant's model settings (docs/real-model.md), so a developer's own never reach the tests.
    Assistant__Model: "",
    OPENAI_MODEL: "",
    ...env,
  });
}
