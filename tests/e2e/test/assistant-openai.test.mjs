// The demo's assistant pointed at an OpenAI-compatible endpoint exactly as docs/real-model.md says (its environment
// variables, and its configuration keys, which win), here a local streaming server: the demo talks to it through the
// official OpenAI client, and @ag-ui/client gets the model's reply, its tool call (arguments split across chunks) as
// an interrupt, and, once approved, one email and the model's answer to the tool result.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startDemo } from "../support/demo.mjs";
import { startFakeOpenAi } from "../support/fake-openai.mjs";
import { askForApproval, toolResultsOf } from "../support/interrupts.mjs";
import { AgentSession, textOf } from "../support/session.mjs";

describe("the assistant on an OpenAI-compatible endpoint", () => {
  let model;
  before(async () => {
    model = await startFakeOpenAi();
  });
  after(() => model?.stop());

  describe("configured by OPENAI_BASE_URL, OPENAI_MODEL and OPENAI_API_KEY", () => {
    let demo;
    before(async () => {
      demo = await startDemo({
        env: { Assistant__Model: undefined, OPENAI_MODEL: "env-model", OPENAI_BASE_URL: model.baseUrl, OPENAI_API_KEY: "sk-from-env" },
      });
    });
    after(() => demo?.stop());

    test("Hello: the model's streamed reply and usage; the request names the model, the key and the tool", async () => {
      const session = new AgentSession(demo.baseUrl, "assistant");
      const before = model.requests.length;
      session.say("Hello");

      const run = await session.run();

      assert.equal(run.finished.outcome, "success");
      assert.equal(textOf(run.wire), "Hi from the model.");
      const [usage] = run.wire.at(-1).usage;
      assert.deepEqual([usage.inputTokens, usage.outputTokens, usage.totalTokens], [7, 3, 10]);
      assert.equal(model.requests.length, before + 1);
      const { headers, body } = model.requests.at(-1);
      assert.equal(body.model, "env-model");
      assert.equal(headers.authorization, "Bearer sk-from-env");
      assert.equal(body.stream, true);
      assert.deepEqual(body.tools.map((tool) => tool.function.name), ["sendEmail"]);
      assert.deepEqual(body.messages.map((message) => message.role), ["system", "user"]);
    });

    test("a tool call streamed in pieces is one interrupt; approved, one email, and the model answers the result", async () => {
      const session = new AgentSession(demo.baseUrl, "assistant");

      const { calls, interrupts } = await askForApproval(session, "please send it");

      assert.deepEqual(calls, [{ id: "call_model_1", arguments: { to: "carol@example.com", subject: "From the model" } }]);
      assert.deepEqual(await session.sentEmails(), []);
      const before = model.requests.length;

      const run = await session.run({ resume: [{ interruptId: interrupts[0].id, status: "resolved", payload: { approved: true } }] });

      assert.equal(run.finished.outcome, "success");
      assert.deepEqual(toolResultsOf(run.wire), [["call_model_1", "Sent to carol@example.com."]]);
      assert.match(textOf(run.wire), /^Model: "?Sent to carol@example\.com\."?$/, "the model answered after reading the result");
      assert.deepEqual(await session.sentEmails(), [
        { toolCallId: "call_model_1", arguments: { to: "carol@example.com", subject: "From the model", body: "" } },
      ]);
      // The provider got the approved call back as the assistant's tool_calls, then its result with the same id.
      assert.equal(model.requests.length, before + 1);
      const messages = model.requests.at(-1).body.messages;
      const [assistant, tool] = messages.slice(-2);
      assert.equal(assistant.role, "assistant");
      assert.deepEqual(assistant.tool_calls.map((call) => [call.id, call.function.name, JSON.parse(call.function.arguments)]), [
        ["call_model_1", "sendEmail", { to: "carol@example.com", subject: "From the model" }],
      ]);
      // Microsoft.Extensions.AI.OpenAI sends a function's result as JSON: a string result arrives quoted.
      assert.deepEqual([tool.role, tool.tool_call_id, JSON.parse(tool.content)], ["tool", "call_model_1", "Sent to carol@example.com."]);
    });
  });

  describe("configured by Assistant:Model, Assistant:Endpoint and Assistant:ApiKey", () => {
    let demo;
    before(async () => {
      demo = await startDemo({
        env: {
          Assistant__Model: "config-model",
          Assistant__Endpoint: model.baseUrl,
          Assistant__ApiKey: "sk-from-config",
          // The configuration keys win over these.
          OPENAI_MODEL: "env-model",
          OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
          OPENAI_API_KEY: "sk-from-env",
        },
      });
    });
    after(() => demo?.stop());

    test("the configuration keys win over the environment variables", async () => {
      const session = new AgentSession(demo.baseUrl, "assistant");
      const before = model.requests.length;
      session.say("Hello");

      const run = await session.run();

      assert.equal(textOf(run.wire), "Hi from the model.");
      assert.equal(model.requests.length, before + 1);
      const { headers, body } = model.requests.at(-1);
      assert.equal(body.model, "config-model");
      assert.equal(headers.authorization, "Bearer sk-from-config");
    });
  });
});
