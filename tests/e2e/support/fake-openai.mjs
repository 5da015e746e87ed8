// A local OpenAI-compatible chat-completions server (POST /v1/chat/completions, streamed), so the demo's assistant can
// be pointed at "a real model" through its own configuration and the official OpenAI client, without a network. It
// answers like a model that calls tools: after a tool result, a summary; for a message asking to send, a sendEmail
// call whose arguments arrive split across chunks; otherwise a short streamed reply with usage last.
import { createServer } from "node:http";

/**
 * @typedef {object} FakeOpenAi
 * @property {string} baseUrl e.g. http://127.0.0.1:41234/v1 (what OPENAI_BASE_URL takes)
 * @property {{ headers: import("node:http").IncomingHttpHeaders, body: any }[]} requests every request, in order
 * @property {() => Promise<void>} stop
 */

/** @returns {Promise<FakeOpenAi>} */
export async function startFakeOpenAi() {
  const requests = [];
  const server = createServer(async (request, response) => {
    if (request.method !== "POST" || request.url !== "/v1/chat/completions") {
      response.writeHead(404).end();
      return;
    }
    let text = "";
    for await (const chunk of request) text += chunk;
    const body = JSON.parse(text);
    requests.push({ headers: request.headers, body });

    response.writeHead(200, { "Content-Type": "text/event-stream" });
    for (const chunk of answer(body)) {
      response.write(`data: ${JSON.stringify({ id: "chatcmpl-1", object: "chat.completion.chunk", created: 1700000000, model: body.model, ...chunk })}\n\n`);
    }
    response.end("data: [DONE]\n\n");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseUrl: `http://127.0.0.1:${server.address().port}/v1`,
    requests,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

const choice = (delta, finishReason = null) => ({ choices: [{ index: 0, delta, finish_reason: finishReason }] });
const usage = { choices: [], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } };

function answer(body) {
  const last = body.messages.at(-1);
  if (last.role === "tool") {
    return [choice({ role: "assistant", content: "Model: " }), choice({ content: last.content }), choice({}, "stop"), usage];
  }
  if (last.role === "user" && /send/i.test(JSON.stringify(last.content))) {
    const args = JSON.stringify({ to: "carol@example.com", subject: "From the model" });
    const cut = args.indexOf("carol") + 3;
    return [
      choice({ role: "assistant", tool_calls: [{ index: 0, id: "call_model_1", type: "function", function: { name: "sendEmail", arguments: "" } }] }),
      choice({ tool_calls: [{ index: 0, function: { arguments: args.slice(0, cut) } }] }),
      choice({ tool_calls: [{ index: 0, function: { arguments: args.slice(cut) } }] }),
      choice({}, "tool_calls"),
      usage,
    ];
  }
  return [choice({ role: "assistant", content: "Hi" }), choice({ content: " from the" }), choice({ content: " model." }), choice({}, "stop"), usage];
}
