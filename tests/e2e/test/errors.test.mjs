// Refused resumes as the client sees them: an HTTP 200 stream that opens (and ends) with RUN_ERROR carrying the
// code, reported through onRunErrorEvent. A refusal changes nothing: the interrupts stay open and a correct resume
// afterwards succeeds, exactly once.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startDemo } from "../support/demo.mjs";
import { askForApproval, assertRefused } from "../support/interrupts.mjs";
import { AgentSession, textOf } from "../support/session.mjs";

const approve = (interrupt) => ({ interruptId: interrupt.id, status: "resolved", payload: { approved: true } });

describe("resume error codes through @ag-ui/client", () => {
  let demo;
  before(async () => {
    demo = await startDemo();
  });
  after(() => demo?.stop());

  test("RESUME_REQUIRED: a new message on a thread that waits for answers", async () => {
    const session = new AgentSession(demo.baseUrl, "approval");
    const { interrupts } = await askForApproval(session, "email the team");

    // The client that saw the interrupt will not even send a run that leaves it unanswered...
    session.say("never mind, something else");
    await assert.rejects(session.run(), /pending interrupt/);
    assert.equal(session.exchanges.length, 1, "no request was made");

    // ...another tab on the same thread, which did not see it, is refused by the server.
    const otherTab = new AgentSession(demo.baseUrl, "approval", { threadId: session.threadId });
    otherTab.say("something else");
    const refused = await otherTab.run();

    assertRefused(refused, "RESUME_REQUIRED");
    assert.match(refused.runError.message, new RegExp(interrupts[0].id));
    const view = await session.threadView();
    assert.equal(view.body.status, "interrupted");
    assert.deepEqual(view.body.pendingInterrupts.map((pending) => pending.interrupt.id), [interrupts[0].id]);

    const run = await session.run({ resume: [approve(interrupts[0])] });
    assert.equal(run.finished.outcome, "success");
    assert.equal((await session.sentEmails()).length, 1);
  });

  test("UNKNOWN_INTERRUPT: an entry naming an interrupt the thread never had", async () => {
    const session = new AgentSession(demo.baseUrl, "approval");
    const { interrupts } = await askForApproval(session, "email the team");
    const otherTab = new AgentSession(demo.baseUrl, "approval", { threadId: session.threadId });

    const refused = await otherTab.run({ resume: [approve({ id: "int_not-an-interrupt-of-this-thread" })] });

    assertRefused(refused, "UNKNOWN_INTERRUPT");
    assert.deepEqual(await session.sentEmails(), []);
    assert.equal((await session.threadView()).body.status, "interrupted");
    const run = await session.run({ resume: [approve(interrupts[0])] });
    assert.equal(run.finished.outcome, "success");
    assert.equal((await session.sentEmails()).length, 1);
  });

  test("UNKNOWN_INTERRUPT: a resume on a thread with nothing pending", async () => {
    const session = new AgentSession(demo.baseUrl, "approval");

    const refused = await session.run({ resume: [approve({ id: "int_made-up" })] });

    assertRefused(refused, "UNKNOWN_INTERRUPT");
    assert.deepEqual(await session.sentEmails(), []);
  });

  test("PARTIAL_RESUME: one of three parallel interrupts answered", async () => {
    const session = new AgentSession(demo.baseUrl, "approval-parallel");
    const { interrupts } = await askForApproval(session, "email everyone", 3);

    // The client refuses locally; a tab that did not see the interrupts reaches the server.
    await assert.rejects(session.run({ resume: [approve(interrupts[0])] }), /not addressed by resume/);
    const otherTab = new AgentSession(demo.baseUrl, "approval-parallel", { threadId: session.threadId });
    const refused = await otherTab.run({ resume: [approve(interrupts[0])] });

    assertRefused(refused, "PARTIAL_RESUME");
    assert.deepEqual(await session.sentEmails(), []);
    assert.equal((await session.threadView()).body.pendingInterrupts.length, 3);
    const run = await session.run({ resume: interrupts.map(approve) });
    assert.equal(run.finished.outcome, "success");
    assert.equal((await session.sentEmails()).length, 3);
  });

  test("INVALID_RESUME_PAYLOAD: an answer that fails the response schema, naming the failing field", async () => {
    const session = new AgentSession(demo.baseUrl, "form");
    session.say("prepare the quarterly report");
    const asked = await session.run();
    const [interrupt] = asked.finished.interrupts;
    const answer = (payload) => ({ resume: [{ interruptId: interrupt.id, status: "resolved", payload }] });

    const badQuarter = await session.run(answer({ quarter: "Q5", year: 2025, revenue: 10 }));
    assertRefused(badQuarter, "INVALID_RESUME_PAYLOAD");
    assert.match(badQuarter.runError.message, /quarter/);

    const badYear = await session.run(answer({ quarter: "Q1", year: 1999, revenue: 10 }));
    assertRefused(badYear, "INVALID_RESUME_PAYLOAD");
    assert.match(badYear.runError.message, /year/);

    const missing = await session.run(answer({ quarter: "Q1", year: 2024 }));
    assertRefused(missing, "INVALID_RESUME_PAYLOAD");
    assert.match(missing.runError.message, /revenue/);

    const run = await session.run(answer({ quarter: "Q2", year: 2024, revenue: 99 }));
    assert.equal(run.finished.outcome, "success");
    assert.equal(textOf(run.wire), "Recorded: Q2 2024 revenue 99.00 EUR.");
  });

  test("INVALID_RESUME_PAYLOAD: an approval whose `approved` is not a boolean sends nothing", async () => {
    const session = new AgentSession(demo.baseUrl, "approval");
    const { interrupts } = await askForApproval(session, "email the team");

    const refused = await session.run({
      resume: [{ interruptId: interrupts[0].id, status: "resolved", payload: { approved: "yes" } }],
    });

    assertRefused(refused, "INVALID_RESUME_PAYLOAD");
    assert.match(refused.runError.message, /approved/);
    assert.deepEqual(await session.sentEmails(), []);
  });

  test("RESUME_ALREADY_APPLIED: the same answer again (a double click) sends nothing more", async () => {
    const session = new AgentSession(demo.baseUrl, "approval");
    const { interrupts } = await askForApproval(session, "email the team");
    const first = await session.run({ resume: [approve(interrupts[0])] });
    assert.equal(first.finished.outcome, "success");

    const replay = await session.run({ resume: [approve(interrupts[0])] });

    assertRefused(replay, "RESUME_ALREADY_APPLIED");
    assert.equal((await session.sentEmails()).length, 1, "exactly one email");
    const fromOtherTab = await new AgentSession(demo.baseUrl, "approval", { threadId: session.threadId }).run({
      resume: [approve(interrupts[0])],
    });
    assertRefused(fromOtherTab, "RESUME_ALREADY_APPLIED");
    assert.equal((await session.sentEmails()).length, 1, "still exactly one email");
  });

  test("DUPLICATE_RESUME_ENTRY: two entries for one interrupt", async () => {
    const session = new AgentSession(demo.baseUrl, "approval");
    const { interrupts } = await askForApproval(session, "email the team");

    const refused = await session.run({
      resume: [approve(interrupts[0]), { interruptId: interrupts[0].id, status: "resolved", payload: { approved: false } }],
    });

    assertRefused(refused, "DUPLICATE_RESUME_ENTRY");
    assert.deepEqual(await session.sentEmails(), []);
    const run = await session.run({ resume: [approve(interrupts[0])] });
    assert.equal(run.finished.outcome, "success");
    assert.equal((await session.sentEmails()).length, 1);
  });
});
