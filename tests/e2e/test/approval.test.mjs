// Human approval of a tool call, end to end: the client receives the interrupt, answers it in the next run's
// `resume`, and the demo's outbox (/debug/emails/{threadId}) shows what was really sent.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { buildResumeArray } from "@ag-ui/client";
import { startDemo } from "../support/demo.mjs";
import { askForApproval, toolResultsOf } from "../support/interrupts.mjs";
import { AgentSession, textOf, typesOf } from "../support/session.mjs";

describe("approval agents through @ag-ui/client", () => {
  let demo;
  before(async () => {
    demo = await startDemo();
  });
  after(() => demo?.stop());

  test("the interrupt is pending on the thread and nothing is sent before an answer", async () => {
    const session = new AgentSession(demo.baseUrl, "approval");
    const { interrupts, calls } = await askForApproval(session, "email the team");

    assert.deepEqual(calls[0].arguments, {
      to: "recipient1@example.com",
      subject: "Re: email the team",
      body: "Hello! You asked: email the team",
    });
    const view = await session.threadView();
    assert.equal(view.status, 200);
    assert.equal(view.body.status, "interrupted");
    assert.deepEqual(view.body.pendingInterrupts.map((pending) => pending.interrupt.id), [interrupts[0].id]);
    assert.equal(view.body.pendingInterrupts[0].toolCallName, "sendEmail");
    assert.deepEqual(await session.sentEmails(), []);
  });

  test("approve: the email is sent once, with the recorded arguments, answered against the original call", async () => {
    const session = new AgentSession(demo.baseUrl, "approval");
    const { interrupts, calls } = await askForApproval(session, "email the team");
    const resume = [{ interruptId: interrupts[0].id, status: "resolved", payload: { approved: true } }];

    const run = await session.run({ resume });

    assert.deepEqual(run.input.resume, resume, "the client sent the entries as given");
    assert.equal(run.finished.outcome, "success");
    assert.ok(!typesOf(run.wire).includes("TOOL_CALL_START"), "the call is not re-emitted");
    assert.deepEqual(toolResultsOf(run.wire), [[calls[0].id, "sent"]]);
    assert.equal(textOf(run.wire), "Done: the email was sent.");
    assert.deepEqual(await session.sentEmails(), [{ toolCallId: calls[0].id, arguments: calls[0].arguments }]);

    assert.deepEqual(session.agent.pendingInterrupts, []);
    const toolMessage = session.agent.messages.find((message) => message.role === "tool");
    assert.equal(toolMessage?.toolCallId, calls[0].id);
    assert.equal(toolMessage?.content, "sent");
    assert.equal(session.agent.messages.at(-1).content, "Done: the email was sent.");
    const view = await session.threadView();
    assert.equal(view.body.status, "idle");
    assert.deepEqual(view.body.pendingInterrupts, []);
  });

  test("deny: nothing is sent and the call is answered as denied", async () => {
    const session = new AgentSession(demo.baseUrl, "approval");
    const { interrupts, calls } = await askForApproval(session, "email the team");

    const run = await session.run({
      resume: [{ interruptId: interrupts[0].id, status: "resolved", payload: { approved: false } }],
    });

    assert.equal(run.finished.outcome, "success");
    assert.deepEqual(toolResultsOf(run.wire), [[calls[0].id, "not sent: denied"]]);
    assert.equal(textOf(run.wire), "OK, I did not send anything.");
    assert.deepEqual(await session.sentEmails(), []);
    assert.deepEqual(session.agent.pendingInterrupts, []);
  });

  test("a cancelled entry: nothing is sent and the call is answered as cancelled", async () => {
    const session = new AgentSession(demo.baseUrl, "approval");
    const { interrupts, calls } = await askForApproval(session, "email the team");

    const run = await session.run({ resume: [{ interruptId: interrupts[0].id, status: "cancelled" }] });

    assert.equal(run.finished.outcome, "success");
    assert.deepEqual(toolResultsOf(run.wire), [[calls[0].id, "not sent: cancelled"]]);
    assert.deepEqual(await session.sentEmails(), []);
  });

  test("approve with editedArgs: the edited arguments are sent, not the proposed ones", async () => {
    const session = new AgentSession(demo.baseUrl, "approval");
    const { interrupts, calls } = await askForApproval(session, "email the team");
    const edited = { to: "boss@example.com", subject: "Edited subject", body: "Edited body, with ünïcödé." };

    const run = await session.run({
      resume: [{ interruptId: interrupts[0].id, status: "resolved", payload: { approved: true, editedArgs: edited } }],
    });

    assert.equal(run.finished.outcome, "success");
    assert.deepEqual(toolResultsOf(run.wire), [[calls[0].id, "sent (with edited arguments)"]]);
    assert.deepEqual(await session.sentEmails(), [{ toolCallId: calls[0].id, arguments: edited }]);
    assert.notDeepEqual(edited, calls[0].arguments);
  });

  test("approval-parallel: three interrupts in one RUN_FINISHED, answered in one resume", async () => {
    const session = new AgentSession(demo.baseUrl, "approval-parallel");
    const { interrupts, calls } = await askForApproval(session, "email everyone", 3);
    assert.deepEqual(
      calls.map((call) => call.arguments.to),
      ["recipient1@example.com", "recipient2@example.com", "recipient3@example.com"],
    );
    const edited = { to: "third@example.com", subject: "Edited", body: "Edited third email" };
    // The client's own helper builds the resume; it insists that every open interrupt is answered.
    const resume = buildResumeArray(session.agent.pendingInterrupts, {
      [interrupts[0].id]: { status: "resolved", payload: { approved: true } },
      [interrupts[1].id]: { status: "resolved", payload: { approved: false } },
      [interrupts[2].id]: { status: "resolved", payload: { approved: true, editedArgs: edited } },
    });

    const run = await session.run({ resume });

    assert.equal(run.input.resume.length, 3);
    assert.equal(run.finished.outcome, "success");
    assert.deepEqual(toolResultsOf(run.wire), [
      [calls[0].id, "sent"],
      [calls[1].id, "not sent: denied"],
      [calls[2].id, "sent (with edited arguments)"],
    ]);
    assert.equal(textOf(run.wire), "Done: 2 of 3 emails sent.");
    assert.deepEqual(await session.sentEmails(), [
      { toolCallId: calls[0].id, arguments: calls[0].arguments },
      { toolCallId: calls[2].id, arguments: edited },
    ]);
    assert.deepEqual(session.agent.pendingInterrupts, []);
    assert.equal((await session.threadView()).body.status, "idle");
  });

  test("threads are independent: an answer on one thread sends nothing on another", async () => {
    const first = new AgentSession(demo.baseUrl, "approval");
    const second = new AgentSession(demo.baseUrl, "approval");
    const asked = await askForApproval(first, "first thread");
    await askForApproval(second, "second thread");

    await first.run({ resume: [{ interruptId: asked.interrupts[0].id, status: "resolved", payload: { approved: true } }] });

    assert.equal((await first.sentEmails()).length, 1);
    assert.deepEqual(await second.sentEmails(), []);
    assert.equal((await second.threadView()).body.status, "interrupted");
  });
});
