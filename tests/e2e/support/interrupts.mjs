// Shared steps of the interrupt tests: asking the approval agents, and what a refused resume looks like to the client.
import assert from "node:assert/strict";
import { typesOf } from "./session.mjs";

/**
 * Sends a user message to an approval agent and checks the run ends with one tool_call interrupt per proposed
 * sendEmail call, each naming the call streamed before it.
 * @param {import("./session.mjs").AgentSession} session
 * @param {string} request the user's message
 * @param {number} [count] how many emails the agent proposes
 * @returns {Promise<{ run: import("./session.mjs").RunRecord, interrupts: object[], calls: { id: string, arguments: object }[] }>}
 */
export async function askForApproval(session, request, count = 1) {
  session.say(request);
  const run = await session.run();

  assert.equal(run.finished?.outcome, "interrupt", `the run ended with ${JSON.stringify(run.finished ?? run.runError)}`);
  const interrupts = run.finished.interrupts;
  assert.equal(interrupts.length, count);
  assert.deepEqual(run.wire.at(-1).outcome.interrupts, interrupts, "the client reports the interrupts it received");
  assert.deepEqual(session.agent.pendingInterrupts, interrupts, "the client tracks them as pending");

  const starts = run.wire.filter((event) => event.type === "TOOL_CALL_START");
  assert.equal(starts.length, count);
  const calls = starts.map((start) => {
    assert.equal(start.toolCallName, "sendEmail");
    const args = run.wire
      .filter((event) => event.type === "TOOL_CALL_ARGS" && event.toolCallId === start.toolCallId)
      .map((event) => event.delta)
      .join("");
    return { id: start.toolCallId, arguments: JSON.parse(args) };
  });
  interrupts.forEach((interrupt, index) => {
    assert.equal(interrupt.reason, "tool_call");
    assert.equal(interrupt.toolCallId, calls[index].id, "each interrupt names the call it guards");
    assert.match(interrupt.id, /^int_/);
    assert.deepEqual(interrupt.responseSchema.required, ["approved"]);
  });
  assert.equal(new Set(interrupts.map((interrupt) => interrupt.id)).size, count, "interrupt ids are unique");

  // The client reconstructed the proposed calls on the assistant message.
  const proposed = session.agent.messages.flatMap((message) => message.toolCalls ?? []);
  assert.deepEqual(proposed.map((call) => call.id).slice(-count), calls.map((call) => call.id));
  return { run, interrupts, calls };
}

/**
 * A refused resume: an HTTP 200 event stream that opens and ends with RUN_ERROR carrying `code`, reported by the
 * client through onRunErrorEvent, with no new message.
 * @param {import("./session.mjs").RunRecord} run
 * @param {string} code
 */
export function assertRefused(run, code) {
  assert.equal(run.status, 200);
  assert.match(run.contentType, /^text\/event-stream/);
  assert.deepEqual(typesOf(run.wire), ["RUN_ERROR"], `expected only RUN_ERROR ${code}, got ${JSON.stringify(run.wire)}`);
  assert.equal(run.wire[0].code, code);
  assert.equal(run.runError?.code, code, "the client surfaced the code");
  assert.ok(run.runError.message.length > 0);
  assert.equal(run.finished, undefined);
  assert.deepEqual(run.result.newMessages, []);
}

/** The TOOL_CALL_RESULT events of a stream as [toolCallId, content] pairs. */
export const toolResultsOf = (events) =>
  events.filter((event) => event.type === "TOOL_CALL_RESULT").map((event) => [event.toolCallId, event.content]);
