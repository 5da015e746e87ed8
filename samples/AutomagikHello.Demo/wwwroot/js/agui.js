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
 * Runs an agent: yields every AG-UI event of the stream, in order, as objects.
 * Throws HttpProblem when the server answers without a stream.
 */
export async function* runAgent(agent, input, signal) {
  const response = await fetch(`/agents/${encodeURIComponent(agent)}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Accept": "text/event-stream" },
    body: JSON.stringify(input),
    signal,
  });
  if (!response.ok || !(response.headers.get("Content-Type") || "").startsWith("text/event-stream")) {
    throw await problemFrom(response);
  }
  for await (const data of sseData(response.body)) {
    yield JSON.parse(data);
  }
}

/**
 * The data of each Server-Sent Event in a byte stream (WHATWG rules: CRLF, CR or LF line ends, "data:" lines joined
 * with "\n", comments and other fields ignored, an event ends at a blank line).
 */
export async function* sseData(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let data = [];
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
          if (data.length > 0) yield data.join("\n");
          data = [];
        } else if (line.startsWith("data:")) {
          data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
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
