// One client conversation with one demo agent, through the official @ag-ui/client HttpAgent. Every run is recorded
// twice: the events as they came off the wire (a tee of the HTTP response) and the events the client delivered to its
// subscriber. Every wire event is checked against @ag-ui/core's own zod schemas, every wire stream is passed through
// the client's verifyEvents, and the client must have delivered exactly what was on the wire (nothing stripped,
// dropped or warned about).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { HttpAgent, runHttpRequest, transformHttpEventStream, verifyEvents } from "@ag-ui/client";
import { EventSchemas } from "@ag-ui/core/schemas";
import { from, lastValueFrom, toArray } from "rxjs";

/** A thread id no other test uses. */
export const newThreadId = () => `e2e-${randomUUID()}`;

/**
 * What one runAgent call produced.
 * @typedef {object} RunRecord
 * @property {object} input the RunAgentInput the client posted
 * @property {number} status the HTTP status
 * @property {string} contentType the response's Content-Type
 * @property {object[]} wire the events as sent by the server, in order
 * @property {object[]} seen the events the client delivered to the subscriber's onEvent, in order
 * @property {{ outcome: "success" | "interrupt" | "cancelled", interrupts?: object[], result?: unknown, pendingToolCallIds?: string[] } | undefined} finished
 *   what onRunFinishedEvent reported (pendingToolCallIds: the frontend tool calls a success left for the client)
 * @property {object | undefined} runError the RUN_ERROR event onRunErrorEvent reported
 * @property {{ result: unknown, newMessages: object[] }} result what runAgent resolved with
 */

/** A client of one agent on one thread. */
export class AgentSession {
  /** @type {HttpAgent} */
  agent;
  /** @type {string} */
  threadId;
  /** @type {string} */
  agentUrl;
  /** The HTTP exchanges the client made, one per run that reached the network. */
  exchanges = [];

  /**
   * @param {string} baseUrl the demo's address
   * @param {string} agentName e.g. "approval" (mapped at /agents/{agentName})
   * @param {{ threadId?: string }} [options] a thread id to share with another session (a second tab); new by default
   */
  constructor(baseUrl, agentName, { threadId = newThreadId() } = {}) {
    this.baseUrl = baseUrl;
    this.threadId = threadId;
    this.agentUrl = `${baseUrl}/agents/${agentName}`;
    this.agent = new HttpAgent({ url: this.agentUrl, threadId, fetch: (url, init) => this.#recordingFetch(url, init) });
  }

  /** Adds a user message to the conversation (sent with the next run). */
  say(content) {
    this.agent.addMessage({ id: `msg-${randomUUID()}`, role: "user", content });
  }

  /**
   * Runs the agent once (runAgent), records and validates the run.
   * @param {import("@ag-ui/client").RunAgentParameters & { abortController?: AbortController }} [parameters] runId, resume, forwardedProps
   * @param {import("@ag-ui/client").AgentSubscriber} [extraSubscriber] also called, e.g. to act mid-stream
   * @returns {Promise<RunRecord>}
   */
  async run(parameters = {}, extraSubscriber = {}) {
    const seen = [];
    let finished;
    let runError;
    const exchangesBefore = this.exchanges.length;
    const captured = await captureClientWarnings(() =>
      this.agent.runAgent(parameters, {
        ...extraSubscriber,
        onEvent: (params) => {
          seen.push(params.event);
          return extraSubscriber.onEvent?.(params);
        },
        onRunFinishedEvent: (params) => {
          finished = { outcome: params.outcome, interrupts: params.interrupts, result: params.result, pendingToolCallIds: params.pendingToolCallIds };
          return extraSubscriber.onRunFinishedEvent?.(params);
        },
        onRunErrorEvent: (params) => {
          runError = params.event;
          return extraSubscriber.onRunErrorEvent?.(params);
        },
      }),
    );

    assert.equal(this.exchanges.length, exchangesBefore + 1, "the run made exactly one HTTP request");
    const exchange = this.exchanges.at(-1);
    const wire = await exchange.events;
    await assertValidStream(wire);
    assert.deepEqual(captured.messages, [], "the client warned about the stream");
    assert.deepEqual(seen, wire, "the client delivered exactly the events on the wire");

    return {
      input: exchange.input,
      status: exchange.status,
      contentType: exchange.contentType,
      wire,
      seen,
      finished,
      runError,
      result: captured.value,
    };
  }

  /** GET {agent}/threads/{threadId}: the thread view. */
  threadView() {
    return requestJson("GET", `${this.agentUrl}/threads/${encodeURIComponent(this.threadId)}`);
  }

  /** POST {agent}/threads/{threadId}/cancel: stops the thread's active run. */
  cancel() {
    return requestJson("POST", `${this.agentUrl}/threads/${encodeURIComponent(this.threadId)}/cancel`);
  }

  /** GET /debug/emails/{threadId}: what the demo's approval agents "sent" on this thread, arguments parsed. */
  async sentEmails() {
    const { status, body } = await requestJson("GET", `${this.baseUrl}/debug/emails/${encodeURIComponent(this.threadId)}`);
    assert.equal(status, 200);
    return body.map((email) => ({ toolCallId: email.toolCallId, arguments: JSON.parse(email.arguments) }));
  }

  // Passes the response on to the client unchanged and keeps a copy of its body, parsed into events the way the
  // client parses them (its own HTTP/SSE transform), before any enforcement or verification.
  async #recordingFetch(url, init) {
    const response = await fetch(url, init);
    const exchange = {
      input: JSON.parse(init.body),
      status: response.status,
      contentType: response.headers.get("content-type") ?? "",
      events: Promise.resolve([]),
    };
    this.exchanges.push(exchange);
    if (!response.body) {
      return response;
    }

    const [forClient, forRecord] = response.body.tee();
    exchange.events = new Response(forRecord)
      .arrayBuffer()
      .then((body) =>
        lastValueFrom(
          transformHttpEventStream(
            runHttpRequest(() => Promise.resolve(new Response(body, { status: response.status, headers: response.headers }))),
          ).pipe(toArray()),
        ),
      );
    // The client may abort its request; the copy then ends with the error, which the test reads if it needs it.
    exchange.events.catch(() => {});
    return new Response(forClient, { status: response.status, statusText: response.statusText, headers: response.headers });
  }
}

/**
 * Every event against @ag-ui/core's zod schema for its type, then the whole stream through @ag-ui/client's verifyEvents.
 * @param {object[]} events
 */
export async function assertValidStream(events) {
  assert.ok(events.length > 0, "the stream carried no event");
  for (const [index, event] of events.entries()) {
    const parsed = EventSchemas.safeParse(event);
    assert.ok(parsed.success, `event ${index} (${event?.type}) fails @ag-ui/core's schema: ${parsed.error?.message}\n${JSON.stringify(event)}`);
  }
  const verified = await lastValueFrom(from(events).pipe(verifyEvents(), toArray()));
  assert.equal(verified.length, events.length, "verifyEvents passed every event through");
}

/**
 * Runs `action` while taking the client's own console warnings and errors (it reports stripped or dropped material
 * there, prefixed "[ag-ui]", and logs "Agent execution failed" before rethrowing) out of the console and into
 * `messages`, where the caller asserts on them. Anything else still reaches the console.
 * @template T
 * @param {() => Promise<T>} action
 * @returns {Promise<{ value: T, messages: string[] }>}
 */
export async function captureClientWarnings(action) {
  const messages = [];
  const { warn, error } = console;
  const record = (original) => (...args) => {
    const text = args.map((arg) => (arg instanceof Error ? arg.message : String(arg))).join(" ");
    if (text.includes("[ag-ui]") || text.includes("Agent execution failed")) {
      messages.push(text);
    } else {
      original.apply(console, args);
    }
  };
  console.warn = record(warn);
  console.error = record(error);
  try {
    return { value: await action(), messages };
  } finally {
    console.warn = warn;
    console.error = error;
  }
}

/**
 * A JSON request to the demo's REST endpoints.
 * @returns {Promise<{ status: number, body: any }>}
 */
export async function requestJson(method, url, body) {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** The event types of a stream, in order. */
export const typesOf = (events) => events.map((event) => event.type);

/** The concatenated text of every TEXT_MESSAGE_CONTENT in a stream. */
export const textOf = (events) =>
  events.filter((event) => event.type === "TEXT_MESSAGE_CONTENT").map((event) => event.delta).join("");
