// The checks every other test relies on must be able to fail: a small node HTTP server replays hand-written streams
// (no demo involved) and the harness must reject each broken one.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, describe, test } from "node:test";
import { AGUIError } from "@ag-ui/client";
import { AgentSession, assertValidStream } from "../support/session.mjs";

const started = { type: "RUN_STARTED", threadId: "t", runId: "r" };
const finished = { type: "RUN_FINISHED", threadId: "t", runId: "r" };
const text = [
  { type: "TEXT_MESSAGE_START", messageId: "m", role: "assistant" },
  { type: "TEXT_MESSAGE_CONTENT", messageId: "m", delta: "hi" },
  { type: "TEXT_MESSAGE_END", messageId: "m" },
];

// verifyEvents' own refusal (an AGUIError with its message), so a harness bug (a TypeError, a failed assert) cannot
// pass for it.
const refusedByVerifyEvents = (message) => (error) => {
  assert.ok(error instanceof AGUIError, `expected verifyEvents' AGUIError, got ${error?.name}: ${error?.message}`);
  assert.match(error.message, message);
  return true;
};

describe("assertValidStream", () => {
  test("accepts a well-formed run", async () => {
    await assertValidStream([started, ...text, finished]);
    await assertValidStream([{ type: "RUN_ERROR", message: "refused", code: "RESUME_REQUIRED" }]);
  });

  test("rejects an event that fails @ag-ui/core's schema", async () => {
    await assert.rejects(assertValidStream([{ type: "RUN_STARTED", threadId: "t" }, finished]), /fails @ag-ui\/core's schema/);
    await assert.rejects(
      assertValidStream([started, { ...text[0] }, { ...text[1], delta: 42 }, text[2], finished]),
      /fails @ag-ui\/core's schema/,
    );
    await assert.rejects(assertValidStream([started, { ...finished, outcome: null }]), /fails @ag-ui\/core's schema/);
    await assert.rejects(assertValidStream([started, { ...finished, timestamp: 1.5 }]), /fails @ag-ui\/core's schema/);
  });

  test("rejects a stream verifyEvents refuses", async () => {
    await assert.rejects(
      assertValidStream([started, text[1], finished]),
      refusedByVerifyEvents(/^Cannot send 'TEXT_MESSAGE_CONTENT' event: No active text message found with ID 'm'/),
    );
    await assert.rejects(
      assertValidStream([started, started, finished]),
      refusedByVerifyEvents(/^Cannot send 'RUN_STARTED' while a run is still active/),
    );
    await assert.rejects(
      assertValidStream([started, ...text, finished, text[0]]),
      refusedByVerifyEvents(/^Cannot send event type 'TEXT_MESSAGE_START': The run has already finished/),
    );
    await assert.rejects(assertValidStream([text[0]]), refusedByVerifyEvents(/^First event must be 'RUN_STARTED'$/));
  });

  test("rejects an empty stream", async () => {
    await assert.rejects(assertValidStream([]), /no event/);
  });
});

describe("AgentSession.run", () => {
  let server;
  let baseUrl;
  let reply = [];
  before(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on("end", () => {
        response.writeHead(200, { "Content-Type": "text/event-stream" });
        for (const event of reply) {
          response.write(`data: ${JSON.stringify(event)}\n\n`);
        }
        response.end();
      });
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${server.address().port}`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  const runAgainst = (events) => {
    reply = events;
    const session = new AgentSession(baseUrl, "canned", { threadId: "t" });
    return session.run({ runId: "r" });
  };

  test("records what was on the wire and what the client delivered", async () => {
    const run = await runAgainst([started, ...text, finished]);

    assert.deepEqual(run.wire, [started, ...text, finished]);
    assert.deepEqual(run.seen, run.wire);
    assert.equal(run.finished.outcome, "success");
  });

  test("fails when the client had to strip a property the schema does not describe", async () => {
    await assert.rejects(
      runAgainst([started, { ...text[0], colour: "blue" }, text[1], text[2], finished]),
      (error) => {
        assert.ok(error instanceof assert.AssertionError, `expected the harness's assertion, got ${error?.name}: ${error?.message}`);
        assert.match(error.message, /^the client warned about the stream/);
        assert.match(error.message, /Removed unrecognised material at '\/colour'/);
        return true;
      },
    );
  });

  test("fails when an event on the wire is invalid", async () => {
    // The client parses each event with @ag-ui/core's schema itself and fails the run with the zod error.
    await assert.rejects(runAgainst([started, ...text, { ...finished, outcome: { type: "interrupt", interrupts: [] } }]), (error) => {
      assert.equal(error?.name, "ZodError", `expected the schema's ZodError, got ${error?.name}: ${error?.message}`);
      assert.ok(
        error.issues.some((issue) => issue.code === "too_small" && issue.path.join(".") === "outcome.interrupts"),
        `expected the empty outcome.interrupts to be refused: ${error.message}`,
      );
      return true;
    });
  });
});
