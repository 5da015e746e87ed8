// An interrupt with expiresAt: answerable until then; afterwards only a `cancelled` entry is accepted.
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import { after, before, describe, test } from "node:test";
import { startDemo } from "../support/demo.mjs";
import { askForApproval, assertRefused, toolResultsOf } from "../support/interrupts.mjs";
import { AgentSession, textOf } from "../support/session.mjs";

// Long enough that an immediate answer is in time even on a loaded machine, short enough to wait out.
const expiringAfterMs = 4000;

describe("expiring agent through @ag-ui/client", () => {
  let demo;
  before(async () => {
    demo = await startDemo({ expiringAfterMs });
  });
  after(() => demo?.stop());

  test("an answer before expiresAt is applied", async () => {
    const session = new AgentSession(demo.baseUrl, "expiring");
    const { interrupts, calls } = await askForApproval(session, "send it soon");
    const expiresAt = Date.parse(interrupts[0].expiresAt);
    assert.ok(Number.isFinite(expiresAt), `expiresAt is a date: ${interrupts[0].expiresAt}`);
    assert.ok(expiresAt > Date.now(), "the interrupt is still open");
    assert.ok(expiresAt - Date.now() <= expiringAfterMs, "it expires within the configured time");

    const run = await session.run({
      resume: [{ interruptId: interrupts[0].id, status: "resolved", payload: { approved: true } }],
    });

    assert.equal(run.finished.outcome, "success");
    assert.deepEqual(await session.sentEmails(), [{ toolCallId: calls[0].id, arguments: calls[0].arguments }]);
  });

  test("after expiresAt a resolved entry is refused with INTERRUPT_EXPIRED and a cancelled one is accepted", async () => {
    const session = new AgentSession(demo.baseUrl, "expiring");
    const { interrupts, calls } = await askForApproval(session, "send it later");
    const interrupt = interrupts[0];
    const expiresAt = Date.parse(interrupt.expiresAt);
    await delay(Math.max(0, expiresAt - Date.now()) + 300);

    const view = await session.threadView();
    assert.equal(view.body.status, "interrupted");
    assert.equal(view.body.pendingInterrupts[0].expired, true);

    const approve = [{ interruptId: interrupt.id, status: "resolved", payload: { approved: true } }];
    // The client itself refuses to resolve an interrupt it knows has expired, without a request...
    await assert.rejects(session.run({ resume: approve }), /expired/);
    assert.equal(session.exchanges.length, 1, "no request was made");

    // ...and a client that does not know (another tab on the same thread) is refused by the server.
    const otherTab = new AgentSession(demo.baseUrl, "expiring", { threadId: session.threadId });
    assertRefused(await otherTab.run({ resume: approve }), "INTERRUPT_EXPIRED");
    assert.deepEqual(await session.sentEmails(), []);

    const run = await session.run({ resume: [{ interruptId: interrupt.id, status: "cancelled" }] });

    assert.equal(run.finished.outcome, "success");
    assert.deepEqual(toolResultsOf(run.wire), [[calls[0].id, "not sent: cancelled"]]);
    assert.equal(textOf(run.wire), "OK, I did not send anything.");
    assert.deepEqual(await session.sentEmails(), []);
    assert.deepEqual(session.agent.pendingInterrupts, []);
    assert.equal((await session.threadView()).body.status, "idle");
  });
});
