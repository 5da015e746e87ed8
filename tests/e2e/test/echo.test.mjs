// A plain run: the client streams the echo agent's answer and reconstructs the conversation from the events.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startDemo } from "../support/demo.mjs";
import { AgentSession, textOf, typesOf } from "../support/session.mjs";

describe("echo agent through @ag-ui/client", () => {
  let demo;
  before(async () => {
    demo = await startDemo();
  });
  after(() => demo?.stop());

  test("a run streams the answer word by word and the client's messages hold the conversation", async () => {
    const session = new AgentSession(demo.baseUrl, "echo");
    session.say("hello brave new world");

    const run = await session.run({ runId: "run-echo-1" });

    assert.equal(run.status, 200);
    assert.match(run.contentType, /^text\/event-stream/);
    assert.deepEqual(typesOf(run.wire), [
      "RUN_STARTED",
      "TEXT_MESSAGE_START",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_END",
      "RUN_FINISHED",
    ]);
    const [started] = run.wire;
    assert.equal(started.threadId, session.threadId);
    assert.equal(started.runId, "run-echo-1");
    assert.equal(started.protocolVersion, "1.0");
    assert.equal(run.wire.at(-1).runId, "run-echo-1");
    assert.equal(run.finished.outcome, "success");
    assert.equal(run.runError, undefined);

    const messageId = run.wire[1].messageId;
    assert.deepEqual(
      run.wire.filter((event) => event.type === "TEXT_MESSAGE_CONTENT").map((event) => event.delta),
      ["hello", " brave", " new", " world"],
    );
    assert.deepEqual(run.result.newMessages, [{ id: messageId, role: "assistant", content: "hello brave new world" }]);
    assert.equal(session.agent.messages.length, 2);
    assert.equal(session.agent.messages[0].role, "user");
    assert.deepEqual(session.agent.messages[1], { id: messageId, role: "assistant", content: "hello brave new world" });
    assert.deepEqual(session.agent.pendingInterrupts, []);
  });

  test("a second run on the thread sends the history and echoes only the new message", async () => {
    const session = new AgentSession(demo.baseUrl, "echo");
    session.say("first message");
    await session.run();
    session.say("and the second one");

    const run = await session.run();

    assert.deepEqual(
      run.input.messages.map((message) => [message.role, message.content]),
      [
        ["user", "first message"],
        ["assistant", "first message"],
        ["user", "and the second one"],
      ],
    );
    assert.equal(textOf(run.wire), "and the second one");
    assert.deepEqual(
      session.agent.messages.map((message) => [message.role, message.content]),
      [
        ["user", "first message"],
        ["assistant", "first message"],
        ["user", "and the second one"],
        ["assistant", "and the second one"],
      ],
    );
    assert.notEqual(session.agent.messages[1].id, session.agent.messages[3].id, "each answer is its own message");
  });

  test("without a user message the agent says so instead of echoing", async () => {
    const session = new AgentSession(demo.baseUrl, "echo");

    const run = await session.run();

    assert.equal(run.finished.outcome, "success");
    assert.deepEqual(session.agent.messages.map((message) => [message.role, message.content]), [
      ["assistant", "There is no user message to echo."],
    ]);
  });
});
