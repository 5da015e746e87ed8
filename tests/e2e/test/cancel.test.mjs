// Stopping a run: the cancel endpoint while the client streams (barge-in), and the client giving up (abortRun).
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { after, before, describe, test } from "node:test";
import { startDemo } from "../support/demo.mjs";
import { AgentSession, captureClientWarnings, textOf, typesOf } from "../support/session.mjs";

/** The slow agent's whole answer (samples/AutomagikHello.Demo/Agents/SlowAgent.cs), a word every 150 ms. */
const slowAnswer =
  "Let me think about that carefully, because it deserves a complete answer. " +
  "First, the question touches several parts of the system at once, so I will take them in order. " +
  "The transport streams every event as soon as it is ready, which is why you can read this sentence while it is still being written. " +
  "Second, the run owns its lifecycle: it started with RUN_STARTED and will end with exactly one terminal event. " +
  "Third, you can interrupt me at any moment: send a cancel for this thread, and I will stop mid-sentence, " +
  "close this message properly and finish the run with the cancelled outcome. " +
  "That is what a voice assistant needs when the user starts talking over it. " +
  "If you let me go on, I will simply keep explaining, slowly, until I reach the end of this rather long answer.";

/** Polls the thread view until `predicate(body)` holds (the server notices a disconnect asynchronously). */
async function waitForThread(session, predicate, what) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const view = await session.threadView();
    if (view.status === 200 && predicate(view.body)) {
      return view.body;
    }
    if (Date.now() > deadline) {
      assert.fail(`the thread never became ${what}: ${JSON.stringify(view)}`);
    }
    await delay(50);
  }
}

/** Runs the slow agent and posts a cancel for its thread as soon as the first words arrive. */
async function runSlowAndCancel(session) {
  let cancelled;
  session.say("explain the system");
  const run = await session.run(
    {},
    {
      onTextMessageContentEvent: () => {
        cancelled ??= session.cancel();
      },
    },
  );
  return { run, cancel: await cancelled };
}

describe("cancelling runs through @ag-ui/client", () => {
  let demo;
  before(async () => {
    demo = await startDemo();
  });
  after(() => demo?.stop());

  test("a cancel while the answer streams ends the run with the cancelled outcome, the message closed", async () => {
    const session = new AgentSession(demo.baseUrl, "slow");

    const { run, cancel } = await runSlowAndCancel(session);

    assert.equal(cancel.status, 202);
    assert.equal(cancel.body.threadId, session.threadId);
    assert.deepEqual(cancel.body.runIds, [run.input.runId]);
    assert.equal(run.finished.outcome, "cancelled");
    assert.deepEqual(run.wire.at(-1).outcome, { type: "cancelled" });
    assert.equal(run.wire.at(-1).result, undefined, "a cancelled run carries no result");
    assert.equal(run.runError, undefined);
    const types = typesOf(run.wire);
    assert.ok(types.indexOf("TEXT_MESSAGE_END") > types.lastIndexOf("TEXT_MESSAGE_CONTENT"), "the message was closed");
    const text = textOf(run.wire);
    assert.ok(text.length > 0 && slowAnswer.startsWith(text), `the text is the start of the answer: ${text}`);
    assert.ok(text.length < slowAnswer.length, "the answer stopped early");
    assert.deepEqual(typesOf(run.wire).filter((type) => type.startsWith("STEP_")), ["STEP_STARTED", "STEP_FINISHED"]);
    assert.equal(session.agent.messages.at(-1).content, text, "the client kept the partial answer");
    assert.equal((await session.threadView()).body.status, "idle");
  });

  test("after a cancelled run the next run on the thread starts clean", async () => {
    const session = new AgentSession(demo.baseUrl, "slow");
    const first = await runSlowAndCancel(session);

    const second = await runSlowAndCancel(session);

    assert.equal(first.run.finished.outcome, "cancelled");
    assert.equal(second.run.wire[0].type, "RUN_STARTED");
    assert.notEqual(second.run.wire[0].runId, first.run.wire[0].runId);
    assert.equal(second.run.finished.outcome, "cancelled");
    assert.ok(slowAnswer.startsWith(textOf(second.run.wire)), "the new run answers from the start");
  });

  test("a cancel with nothing running is 404 NO_ACTIVE_RUN", async () => {
    const session = new AgentSession(demo.baseUrl, "slow");

    const cancel = await session.cancel();

    assert.equal(cancel.status, 404);
    assert.equal(cancel.body.code, "NO_ACTIVE_RUN");
  });

  test("while a run holds the thread another run is refused with THREAD_BUSY; abortRun releases the thread", async () => {
    const session = new AgentSession(demo.baseUrl, "bench");
    let started;
    const runStarted = new Promise((resolve) => {
      started = resolve;
    });
    // The bench agent holds the run open after RUN_STARTED for holdMs.
    const held = captureClientWarnings(() =>
      session.agent.runAgent({ forwardedProps: { holdMs: 60_000, deltas: 1 } }, { onRunStartedEvent: () => started() }),
    );
    await runStarted;
    assert.equal((await session.threadView()).body.status, "running");

    const otherTab = new AgentSession(demo.baseUrl, "bench", { threadId: session.threadId });
    const busy = await otherTab.run({ forwardedProps: { deltas: 1 } });
    assert.deepEqual(typesOf(busy.wire), ["RUN_ERROR"]);
    assert.equal(busy.runError.code, "THREAD_BUSY");

    session.agent.abortRun();
    const aborted = await held;
    assert.deepEqual(aborted.messages, [], "the client treats its own abort as no error");
    assert.equal(session.agent.isRunning, false);
    await waitForThread(session, (body) => body.status === "idle", "idle");

    const next = await otherTab.run({ forwardedProps: { deltas: 2 } });
    assert.equal(next.finished.outcome, "success");
    assert.equal(textOf(next.wire), "abcdefghabcdefgh");
  });
});
