// A minimal AG-UI client over fetch: POST a RunAgentInput, read the Server-Sent Events stream, yield parsed events.

/** A server answer that is not an event stream (problem+json or anything else), made readable. */
export class HttpProblem extends Error {
  constructor(status, code, detail) {
    super(`${code ? code + ": " : ""}${detail || "HTTP " + status}`);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

async function problemFrom(response) {
  const text = await response.text();
  try {
    const problem = JSON.parse(text);
    return new HttpProblem(response.status, problem.code || problem.title || null, problem.detail || problem.title || text);
  } catch {
    return new HttpProblem(response.status, null, text || response.statusText);
  }
}

/**
 * Runs an agent: yields every AG-UI event of the stream, in order, as { event, id } (id: the SSE id the server gave it,
 * a string, or null when the agent keeps no event log). Throws HttpProblem when the server answers without a stream;
 * a network failure (offline, a cut connection) rejects with the browser's TypeError.
 */
export async function* runAgent(agent, input, signal) {
  yield* streamEvents(`/agents/${encodeURIComponent(agent)}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Accept": "text/event-stream" },
    body: JSON.stringify(input),
    signal,
  });
}

/**
 * GET {agent}/threads/{threadId}/runs/{runId}/events: reconnects to a logged run and yields its events after
 * lastEventId (every event from the start when null), then the live tail, as { event, id } like runAgent. The server
 * refuses an unknown run (404 RUN_NOT_FOUND), one dropped by retention (410 RUN_EXPIRED) and a bad id (400) with a
 * problem, thrown as HttpProblem.
 */
export async function* reconnectRun(agent, threadId, runId, lastEventId, signal) {
  const headers = { "Accept": "text/event-stream" };
  if (lastEventId !== null) headers["Last-Event-ID"] = lastEventId;
  yield* streamEvents(`/agents/${encodeURIComponent(agent)}/threads/${encodeURIComponent(threadId)}/runs/${encodeURIComponent(runId)}/events`,
    { headers, cache: "no-store", signal });
}

async function* streamEvents(url, init) {
  const response = await fetch(url, init);
  if (!response.ok || !(response.headers.get("Content-Type") || "").startsWith("text/event-stream")) {
    throw await problemFrom(response);
  }
  for await (const { data, id } of sseEvents(response.body)) {
    yield { event: JSON.parse(data), id };
  }
}

/**
 * Each Server-Sent Event in a byte stream as { data, id } (WHATWG rules: CRLF, CR or LF line ends, "data:" lines
 * joined with "\n", the last "id:" line's value, or null when the event had none; comments and other fields ignored,
 * an event ends at a blank line).
 */
export async function* sseEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let data = [];
  let id = null;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      // A CR at the very end may be the first half of a CRLF: wait for the next chunk.
      const usable = buffer.endsWith("\r") ? buffer.length - 1 : buffer.length;
      let start = 0;
      const lineEnd = /\r\n|\r|\n/g;
      lineEnd.lastIndex = 0;
      let match;
      while ((match = lineEnd.exec(buffer)) !== null && match.index < usable) {
        const line = buffer.slice(start, match.index);
        start = match.index + match[0].length;
        if (line === "") {
          if (data.length > 0) yield { data: data.join("\n"), id };
          data = [];
          id = null;
        } else if (line.startsWith("data:")) {
          data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
        } else if (line.startsWith("id:")) {
          id = line.slice(line.startsWith("id: ") ? 4 : 3);
        }
      }
      buffer = buffer.slice(start);
    }
  } finally {
    reader.releaseLock();
  }
}

/** POST {agent}/threads/{threadId}/cancel: asks the server to stop the thread's active run (barge-in). */
export async function cancelRun(agent, threadId) {
  const response = await fetch(`/agents/${encodeURIComponent(agent)}/threads/${encodeURIComponent(threadId)}/cancel`, { method: "POST" });
  if (response.status !== 202) throw await problemFrom(response);
}

/**
 * POST {agent}/threads/{threadId}/interrupts/{interruptId}: records a decision out of band ({status, payload?,
 * reapprove?}); the next resume counts it. Answers the thread view.
 */
export async function decideInterrupt(agent, threadId, interruptId, decision) {
  const response = await fetch(`/agents/${encodeURIComponent(agent)}/threads/${encodeURIComponent(threadId)}/interrupts/${encodeURIComponent(interruptId)}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Accept": "application/json" },
    body: JSON.stringify(decision),
  });
  if (!response.ok) throw await problemFrom(response);
  return response.json();
}

/** GET {agent}/threads/{threadId}: the thread view, or null when the server has no such thread. */
export async function getThread(agent, threadId) {
  const response = await fetch(`/agents/${encodeURIComponent(agent)}/threads/${encodeURIComponent(threadId)}`, {
    headers: { "Accept": "application/json" },
    cache: "no-store",
  });
  if (response.status === 404) return null;
  if (!response.ok) throw await problemFrom(response);
  return response.json();
}

/**
 * GET {agent}/threads/{threadId}/messages: the thread rebuilt from its latest logged run, { runId, running, messages
 * (a MESSAGES_SNAPSHOT event), state (a STATE_SNAPSHOT event or null), thread (the thread view) }, or null when the
 * server keeps no logged run of it (404).
 */
export async function getThreadMessages(agent, threadId) {
  const response = await fetch(`/agents/${encodeURIComponent(agent)}/threads/${encodeURIComponent(threadId)}/messages`, {
    headers: { "Accept": "application/json" },
    cache: "no-store",
  });
  if (response.status === 404) return null;
  if (!response.ok) throw await problemFrom(response);
  return response.json();
}

/**
 * GET {agent}/threads/{threadId} with If-None-Match: { notModified: true } on 304, else { view, etag } (view null when
 * the server has no such thread). Polling with the last ETag costs the server no body while nothing changes.
 */
export async function getThreadIfChanged(agent, threadId, etag, signal) {
  const headers = { "Accept": "application/json" };
  if (etag) headers["If-None-Match"] = etag;
  const response = await fetch(`/agents/${encodeURIComponent(agent)}/threads/${encodeURIComponent(threadId)}`, { headers, cache: "no-store", signal });
  if (response.status === 304) return { notModified: true, etag };
  if (response.status === 404) return { notModified: false, view: null, etag: null };
  if (!response.ok) throw await problemFrom(response);
  return { notModified: false, view: await response.json(), etag: response.headers.get("ETag") };
}

/** A random id for threads, runs and messages. */
export function newId(prefix) {
  return `${prefix}-${crypto.randomUUID()}`;
}
