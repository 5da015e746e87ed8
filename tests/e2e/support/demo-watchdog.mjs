// Runs one command (the demo) as its child and makes sure it never outlives the test process that started this
// watchdog: a test process killed outright (SIGKILL, a closed pipe, Ctrl+C) runs no exit handler of its own, so the
// watchdog notices that it was re-parented and ends the demo itself.
//
// Usage: node demo-watchdog.mjs <command> [args...]   (SIGTERM: forwarded; the demo is killed if it is still up 10 s later)
import { spawn } from "node:child_process";

const [command, ...args] = process.argv.slice(2);
const parentPid = process.ppid;
const pollMs = 250;
const graceMs = 10_000;

const child = spawn(command, args, { stdio: "inherit" });
const running = () => child.exitCode === null && child.signalCode === null;

let graceTimer;
const terminate = () => {
  if (!running() || graceTimer) {
    return;
  }
  child.kill("SIGTERM");
  graceTimer = setTimeout(() => running() && child.kill("SIGKILL"), graceMs);
};
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"]) {
  process.on(signal, terminate);
}

const parentWatch = setInterval(() => {
  if (process.ppid !== parentPid && running()) {
    child.kill("SIGKILL");
  }
}, pollMs);

child.on("error", (error) => {
  console.error(`demo-watchdog: could not start ${command}: ${error.message}`);
  process.exit(127);
});
child.on("exit", (code, signal) => {
  clearInterval(parentWatch);
  clearTimeout(graceTimer);
  process.exit(code ?? (signal ? 128 : 1));
});
