// Structured input: the form agent asks through an input_required interrupt with a response schema; the answer the
// client sends in `resume` is what the agent uses.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startDemo } from "../support/demo.mjs";
import { AgentSession, textOf } from "../support/session.mjs";

/** The form agent's response schema (samples/AutomagikHello.Demo/Agents/FormAgent.cs). */
const reportSchema = {
  type: "object",
  title: "Quarterly report",
  properties: {
    quarter: { type: "string", enum: ["Q1", "Q2", "Q3", "Q4"], title: "Quarter" },
    year: { type: "integer", minimum: 2000, title: "Year" },
    revenue: { type: "number", minimum: 0, title: "Revenue (EUR)" },
  },
  required: ["quarter", "year", "revenue"],
  additionalProperties: false,
};

/** Starts a form conversation and returns the one input_required interrupt. */
async function askForReport(session) {
  session.say("prepare the quarterly report");
  const run = await session.run();
  assert.equal(run.finished?.outcome, "interrupt");
  assert.equal(run.finished.interrupts.length, 1);
  assert.equal(textOf(run.wire), "I need a few figures for the report.");
  return run.finished.interrupts[0];
}

describe("form agent through @ag-ui/client", () => {
  let demo;
  before(async () => {
    demo = await startDemo();
  });
  after(() => demo?.stop());

  test("the interrupt is input_required and carries the response schema", async () => {
    const session = new AgentSession(demo.baseUrl, "form");

    const interrupt = await askForReport(session);

    assert.equal(interrupt.reason, "input_required");
    assert.equal(interrupt.message, "Which quarter, year and revenue should the report cover?");
    assert.deepEqual(interrupt.responseSchema, reportSchema);
    assert.equal(interrupt.toolCallId, undefined);
    assert.deepEqual(session.agent.pendingInterrupts, [interrupt]);
  });

  test("the answer is used, and is the run's result", async () => {
    const session = new AgentSession(demo.baseUrl, "form");
    const interrupt = await askForReport(session);
    const report = { quarter: "Q3", year: 2025, revenue: 1234.5 };

    const run = await session.run({ resume: [{ interruptId: interrupt.id, status: "resolved", payload: report }] });

    assert.equal(run.finished.outcome, "success");
    assert.equal(textOf(run.wire), "Recorded: Q3 2025 revenue 1,234.50 EUR.");
    assert.deepEqual(run.finished.result, report);
    assert.deepEqual(run.result.result, report, "runAgent resolves with the run's result");
    assert.deepEqual(session.agent.pendingInterrupts, []);
    assert.equal(session.agent.messages.at(-1).content, "Recorded: Q3 2025 revenue 1,234.50 EUR.");
  });

  test("a different answer gives a different report", async () => {
    const session = new AgentSession(demo.baseUrl, "form");
    const interrupt = await askForReport(session);

    const run = await session.run({
      resume: [{ interruptId: interrupt.id, status: "resolved", payload: { quarter: "Q1", year: 2000, revenue: 0 } }],
    });

    assert.equal(textOf(run.wire), "Recorded: Q1 2000 revenue 0.00 EUR.");
  });

  test("a cancelled form is not recorded", async () => {
    const session = new AgentSession(demo.baseUrl, "form");
    const interrupt = await askForReport(session);

    const run = await session.run({ resume: [{ interruptId: interrupt.id, status: "cancelled" }] });

    assert.equal(run.finished.outcome, "success");
    assert.equal(textOf(run.wire), "No report then. Ask me again any time.");
    assert.equal(run.finished.result, undefined);
    assert.equal((await session.threadView()).body.status, "idle");
  });
});
