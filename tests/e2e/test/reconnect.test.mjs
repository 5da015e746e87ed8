// Reconnecting with the official client: HttpAgent runs, the client counts events (the N-th event has id N), and the
// rest of a run is read through the client's own SSE transform from the reconnect endpoint, as docs/reconnecting.md shows.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { lastValueFrom, toArray } from "rxjs";
import { HttpAgent, runHttpRequest, transformHttpEventStream } from "@ag-ui/client";
import { startDemo } from "../support/demo.mjs";

describe("reconnect through @ag-ui/client", () => {
  let demo;
  before(async () => {
    demo = await startDemo();
  });
  after(() => demo?.stop());

  const readEvents = (url) =>
    lastValueFrom(transformHttpEventStream(runHttpRequest(() => fetch(url, { headers: { Accept: "text/event-stream" } }))).pipe(toArray()));

  test("the events after the count received are the rest of the run, and a reload returns the conversation", async () => {
    const url = `${demo.baseUrl}/agents/echo`;
    const agent = new HttpAgent({ url });
    agent.messages = [{ id: "u1", role: "user", content: "hello brave new world" }];
    const runId = "run-reconnect-1";
    const seen = [];
    await agent.runAgent({ runId }, { onEvent: ({ event }) => { seen.push(event); } });
    assert.equal(seen.length, 8);

    const rest = await readEvents(`${url}/threads/${agent.threadId}/runs/${runId}/events?after=${seen.length - 3}`);
    assert.deepEqual(rest.map((event) => event.type), ["TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED"]);
    assert.deepEqual(rest, seen.slice(-3).map((event) => ({ ...event })));

    const all = await readEvents(`${url}/threads/${agent.threadId}/runs/${runId}/events`);
    assert.equal(all.length, seen.length);

    const reload = await (await fetch(`${url}/threads/${agent.threadId}/messages`)).json();
    assert.equal(reload.messages.type, "MESSAGES_SNAPSHOT");
    assert.deepEqual(reload.messages.messages.map((m) => m.content), ["hello brave new world", "hello brave new world"]);
    assert.equal(reload.thread.status, "idle");
  });

  test("capabilities advertise resumable streams", async () => {
    const capabilities = await (await fetch(`${demo.baseUrl}/agents/echo/capabilities`)).json();
    assert.equal(capabilities.transport.resumable, true);
  });
});
