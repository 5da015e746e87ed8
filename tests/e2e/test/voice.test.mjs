// The voice agent (docs/voice.md) through @ag-ui/client: the scripted turn goes in runAgent's forwardedProps
// (RunAgentParameters), barge-in is the cancel endpoint, low confidence and the strategy choice are interrupts
// answered with `resume`, an engine failure is a RUN_ERROR code the client surfaces and a retry is the next attempt.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startDemo } from "../support/demo.mjs";
import { assertRefused } from "../support/interrupts.mjs";
import { AgentSession, textOf, typesOf } from "../support/session.mjs";

/** The voice agent's concise answer (VoiceAgent.Answer). */
const answer = (transcript) => `Got it: ${transcript}.`;

/** The long answer barge-in speaks word by word (VoiceAgent.LongAnswer). */
const longAnswer = (transcript) =>
  `${answer(transcript)} Let me tell you everything about it, because there is quite a lot to say. ` +
  "First, I looked at what you asked and at what I know about you. Second, I checked what is possible today. " +
  "Third, I put it all together so that you do not have to call again. " +
  "If you want me to stop, just start talking, and I will stop at once.";

/** The detailed answer of the strategy switch (VoiceAgent.DetailedAnswer). */
const detailedAnswer = (transcript) =>
  `${answer(transcript)} In detail: first, I checked that this is possible. ` +
  "Second, I went through the options and picked the one that fits best. " +
  "Third, it is done, and you will get a written confirmation.";

/** One voice turn: the RunAgentParameters that carry it. */
const turn = (voice) => ({ forwardedProps: { voice } });

describe("voice agent through @ag-ui/client", () => {
  let demo;
  before(async () => {
    demo = await startDemo();
  });
  after(() => demo?.stop());

  test("the turn travels in forwardedProps and a trusted transcript is answered directly", async () => {
    const session = new AgentSession(demo.baseUrl, "voice");
    const voice = { scenario: "low-confidence", transcript: "book a table for two", confidence: 0.9 };

    const run = await session.run(turn(voice));

    assert.deepEqual(run.input.forwardedProps, { voice }, "the client posted forwardedProps as given");
    assert.equal(run.finished.outcome, "success");
    assert.equal(textOf(run.wire), answer("book a table for two"));
    assert.deepEqual(session.agent.pendingInterrupts, []);
  });

  test("barge-in: a cancel while the agent speaks ends the run cancelled; the next turn speaks fully", async () => {
    const session = new AgentSession(demo.baseUrl, "voice");
    let cancelled;

    const run = await session.run(turn({ scenario: "barge-in", transcript: "tell me everything" }), {
      onTextMessageContentEvent: () => {
        cancelled ??= session.cancel();
      },
    });

    const cancel = await cancelled;
    assert.equal(cancel.status, 202);
    assert.deepEqual(cancel.body.runIds, [run.input.runId]);
    assert.equal(run.finished.outcome, "cancelled");
    assert.deepEqual(run.wire.at(-1).outcome, { type: "cancelled" });
    assert.equal(run.runError, undefined);
    const types = typesOf(run.wire);
    assert.ok(types.indexOf("TEXT_MESSAGE_END") > types.lastIndexOf("TEXT_MESSAGE_CONTENT"), "the spoken message was closed");
    const said = textOf(run.wire);
    const full = longAnswer("tell me everything");
    assert.ok(said.length > 0 && full.startsWith(said), `what was said is the start of the answer: ${said}`);
    assert.ok(said.length < full.length, "the agent stopped mid-answer");
    assert.equal(session.agent.messages.at(-1).content, said, "the client kept what was said");
    assert.equal((await session.threadView()).body.status, "idle");

    const next = await session.run(turn({ scenario: "barge-in", transcript: "tell me more", wordDelayMs: 5 }));

    assert.equal(next.finished.outcome, "success");
    assert.equal(textOf(next.wire), longAnswer("tell me more"));
    assert.equal((await session.cancel()).body.code, "NO_ACTIVE_RUN", "nothing is left running to cancel");
  });

  test("low confidence: an input_required interrupt with the transcript's context; the correction is used", async () => {
    const session = new AgentSession(demo.baseUrl, "voice");
    const asked = await session.run(turn({ scenario: "low-confidence", transcript: "book a table for two", confidence: 0.42 }));

    assert.equal(asked.finished.outcome, "interrupt");
    assert.equal(textOf(asked.wire), "Sorry, I am not sure I heard that right.");
    const [interrupt] = asked.finished.interrupts;
    assert.equal(asked.finished.interrupts.length, 1);
    assert.equal(interrupt.reason, "input_required");
    assert.equal(interrupt.message, 'I heard "book a table for two" (0.42 confident). Is that right? Confirm it or correct it.');
    assert.deepEqual(interrupt.responseSchema.required, ["confirmed"]);
    assert.deepEqual(Object.keys(interrupt.responseSchema.properties), ["confirmed", "correction"]);
    assert.deepEqual(interrupt.metadata, { scenario: "low-confidence", transcript: "book a table for two", confidence: 0.42 });
    assert.deepEqual(session.agent.pendingInterrupts, [interrupt]);

    // An answer that fails the schema is refused and leaves the interrupt open.
    const refused = await session.run({ resume: [{ interruptId: interrupt.id, status: "resolved", payload: { correction: "for four" } }] });
    assertRefused(refused, "INVALID_RESUME_PAYLOAD");
    assert.equal((await session.threadView()).body.pendingInterrupts[0].interrupt.id, interrupt.id);

    const resumed = await session.run({
      resume: [{ interruptId: interrupt.id, status: "resolved", payload: { confirmed: false, correction: "book a table for four" } }],
    });

    assert.equal(resumed.finished.outcome, "success");
    assert.equal(textOf(resumed.wire), answer("book a table for four"));
    assert.equal(session.agent.messages.at(-1).content, answer("book a table for four"));
    assert.deepEqual(session.agent.pendingInterrupts, []);
    assert.equal((await session.threadView()).body.status, "idle");
  });

  test("low confidence: not confirmed and not corrected asks the caller to repeat", async () => {
    const session = new AgentSession(demo.baseUrl, "voice");
    const asked = await session.run(turn({ scenario: "low-confidence", transcript: "book a table", confidence: 0.1 }));

    const resumed = await session.run({
      resume: [{ interruptId: asked.finished.interrupts[0].id, status: "resolved", payload: { confirmed: false } }],
    });

    assert.equal(textOf(resumed.wire), "Sorry about that. Please say it again.");
  });

  test("stt-failure: RUN_ERROR VOICE_STT_FAILED reaches the client; the retry as attempt 2 succeeds on the same thread", async () => {
    const session = new AgentSession(demo.baseUrl, "voice");
    const voice = { scenario: "stt-failure", transcript: "read my messages" };

    const failed = await session.run(turn({ ...voice, attempt: 1 }));

    assert.deepEqual(typesOf(failed.wire), ["RUN_STARTED", "RUN_ERROR"], "nothing was said before the failure");
    assert.equal(failed.wire.at(-1).code, "VOICE_STT_FAILED");
    assert.equal(failed.runError?.code, "VOICE_STT_FAILED", "the client surfaced the code");
    assert.equal(failed.runError.message, "Speech recognition failed on attempt 1; nothing was said. Retry the turn as attempt 2.");
    assert.equal(failed.finished, undefined);
    assert.deepEqual(failed.result.newMessages, []);
    assert.equal((await session.threadView()).body.status, "idle", "the failed run released the thread");

    const retried = await session.run(turn({ ...voice, attempt: 2 }));

    assert.equal(retried.runError, undefined);
    assert.equal(retried.finished.outcome, "success");
    assert.equal(textOf(retried.wire), answer("read my messages"));
  });

  test("stt-failure: with failingAttempts 2 the second attempt fails too and the third succeeds", async () => {
    const session = new AgentSession(demo.baseUrl, "voice");
    const voice = { scenario: "stt-failure", transcript: "read my messages", failingAttempts: 2 };

    const second = await session.run(turn({ ...voice, attempt: 2 }));
    const third = await session.run(turn({ ...voice, attempt: 3 }));

    assert.equal(second.runError?.code, "VOICE_STT_FAILED");
    assert.match(second.runError.message, /attempt 2; .* as attempt 3\.$/);
    assert.equal(third.finished.outcome, "success");
  });

  test("policy hold: only an approver resolves it; the caller's own approval is APPROVER_REQUIRED", async () => {
    const session = new AgentSession(demo.baseUrl, "voice");
    const held = await session.run(turn({ scenario: "policy-hold", transcript: "wire 100 euros to Bob" }));
    assert.equal(held.finished.outcome, "interrupt");
    const hold = held.finished.interrupts[0];
    assert.equal(hold.reason, "voice:policy_hold");

    const selfApproved = await session.run({ resume: [{ interruptId: hold.id, status: "resolved", payload: { approved: true } }] });
    assertRefused(selfApproved, "APPROVER_REQUIRED");

    const url = `${session.agentUrl}/threads/${encodeURIComponent(session.threadId)}/interrupts/${encodeURIComponent(hold.id)}`;
    const decision = { status: "resolved", payload: { approved: true, note: "verified" } };
    const post = (headers) =>
      fetch(url, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(decision) });
    const byCaller = await post({});
    assert.equal(byCaller.status, 403);
    assert.equal((await byCaller.json()).code, "APPROVER_REQUIRED");
    const byApprover = await post({ "X-Demo-Role": "approver" }); // the demo's Development-only approver
    assert.equal(byApprover.status, 200);
    assert.equal((await byApprover.json()).pendingInterrupts[0].requiresApprover, true);

    // The frontend echoes the recorded decision (as the thread view shows it): an entry identical to it is accepted.
    const resumed = await session.run({ resume: [{ interruptId: hold.id, ...decision }] });

    assert.equal(resumed.finished.outcome, "success");
    assert.equal(textOf(resumed.wire), "A supervisor approved it. Done: wire 100 euros to Bob. Note: verified");
  });

  test("strategy: the enum choice changes the answer; escalate hands off to a human", async () => {
    const transcript = "change my flight to Friday";
    const answers = {};
    for (const strategy of ["concise", "detailed", "escalate"]) {
      const session = new AgentSession(demo.baseUrl, "voice");
      const asked = await session.run(turn({ scenario: "strategy", transcript }));
      assert.equal(asked.finished.outcome, "interrupt");
      const [interrupt] = asked.finished.interrupts;
      assert.equal(interrupt.reason, "voice:strategy");
      assert.deepEqual(interrupt.responseSchema.properties.strategy.enum, ["concise", "detailed", "escalate"]);

      answers[strategy] = await session.run({ resume: [{ interruptId: interrupt.id, status: "resolved", payload: { strategy } }] });
    }

    assert.equal(answers.concise.finished.outcome, "success");
    assert.equal(textOf(answers.concise.wire), answer(transcript));
    assert.equal(answers.detailed.finished.outcome, "success");
    assert.equal(textOf(answers.detailed.wire), detailedAnswer(transcript));
    assert.notEqual(textOf(answers.concise.wire), textOf(answers.detailed.wire));
    assert.equal(answers.escalate.finished.outcome, "interrupt");
    assert.equal(textOf(answers.escalate.wire), "I will bring in a person for this.");
    const [handoff] = answers.escalate.finished.interrupts;
    assert.equal(handoff.reason, "voice:human_handoff");
    assert.deepEqual(handoff.responseSchema.required, ["reply"]);
  });

  test("strategy: a choice not on offer is refused", async () => {
    const session = new AgentSession(demo.baseUrl, "voice");
    const asked = await session.run(turn({ scenario: "strategy", transcript: "change my flight" }));

    const refused = await session.run({
      resume: [{ interruptId: asked.finished.interrupts[0].id, status: "resolved", payload: { strategy: "sing" } }],
    });

    assertRefused(refused, "INVALID_RESUME_PAYLOAD");
  });
});
