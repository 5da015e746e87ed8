using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

/// <summary>
/// The demo's <c>/agents/assistant</c> on its offline scripted chat client: a plain reply, approvals whose resumes send
/// each email once (counted through the demo's debug endpoint), a frontend tool left pending for the client.
/// </summary>
public sealed class AssistantDemoTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private const string Path = "/agents/assistant";

    private static string Ask(string threadId, string runId, string text, string extra = "") =>
        new JsonObject
        {
            ["threadId"] = threadId,
            ["runId"] = runId,
            ["messages"] = new JsonArray(new JsonObject { ["id"] = "u1", ["role"] = "user", ["content"] = text }),
        }.ToJsonString().TrimEnd('}') + extra + "}";

    private static string Resume(string threadId, string runId, JsonArray history, params (string InterruptId, bool Approved)[] answers) =>
        new JsonObject
        {
            ["threadId"] = threadId,
            ["runId"] = runId,
            ["messages"] = history.DeepClone(),
            ["resume"] = new JsonArray([.. answers.Select(a => (JsonNode)new JsonObject
            {
                ["interruptId"] = a.InterruptId,
                ["status"] = "resolved",
                ["payload"] = new JsonObject { ["approved"] = a.Approved },
            })]),
        }.ToJsonString();

    /// <summary>The history a client holds after the asking run: the user's message and the assistant's calls.</summary>
    private static JsonArray History(string text, RunStream asked)
    {
        var calls = new JsonArray();
        foreach (var start in asked.Events.Where(e => (string)e["type"]! == "TOOL_CALL_START"))
        {
            var id = (string)start["toolCallId"]!;
            var args = string.Concat(asked.Events.Where(e => (string)e["type"]! == "TOOL_CALL_ARGS" && (string)e["toolCallId"]! == id).Select(e => (string)e["delta"]!));
            calls.Add(new JsonObject { ["id"] = id, ["type"] = "function", ["function"] = new JsonObject { ["name"] = (string)start["toolCallName"]!, ["arguments"] = args } });
        }

        return
        [
            new JsonObject { ["id"] = "u1", ["role"] = "user", ["content"] = text },
            new JsonObject { ["id"] = "a1", ["role"] = "assistant", ["toolCalls"] = calls },
        ];
    }

    private static async Task<int> EmailsSentAsync(HttpClient client, string threadId) =>
        JsonNode.Parse(await client.GetStringAsync($"/debug/emails/{threadId}"))!.AsArray().Count;

    [Fact]
    public async Task Assistant_Hello_StreamsAPlainReplyTokenByToken()
    {
        using var client = factory.CreateClient();

        var run = await Sse.RunAsync(client, Path, Ask("assistant-hello", "r1", "Hello"));

        run.Types[0].Should().Be("RUN_STARTED");
        run.Types.Count(t => t == "TEXT_MESSAGE_CONTENT").Should().BeGreaterThan(3);
        run.Types.Should().NotContain("TOOL_CALL_START");
        ((string)run.Single("RUN_FINISHED")["outcome"]!["type"]!).Should().Be("success");
    }

    [Fact]
    public async Task Assistant_SendTheEmail_OneApprovalThenOneEmailAndARepeatedResumeSendsNoSecond()
    {
        using var client = factory.CreateClient();
        const string thread = "assistant-one";
        const string text = "please send the email";

        var asked = await Sse.RunAsync(client, Path, Ask(thread, "r1", text));
        var interrupts = asked.Single("RUN_FINISHED")["outcome"]!["interrupts"]!.AsArray();
        interrupts.Should().ContainSingle();
        var interruptId = (string)interrupts[0]!["id"]!;
        var history = History(text, asked);

        var resumed = await Sse.RunAsync(client, Path, Resume(thread, "r2", history, (interruptId, true)));
        var repeated = await Sse.RunAsync(client, Path, Resume(thread, "r3", history, (interruptId, true)));

        ((string)resumed.Single("RUN_FINISHED")["outcome"]!["type"]!).Should().Be("success");
        ((string)resumed.Single("TOOL_CALL_RESULT")["content"]!).Should().StartWith("Sent to ");
        repeated.Types.Should().Equal("RUN_ERROR");
        (await EmailsSentAsync(client, thread)).Should().Be(1);
    }

    [Fact]
    public async Task Assistant_SendTwoEmails_TwoApprovalsInOneResumeSendTwoEmailsAndADenialSendsNone()
    {
        using var client = factory.CreateClient();
        const string text = "send two emails";

        var asked = await Sse.RunAsync(client, Path, Ask("assistant-two", "r1", text));
        var ids = asked.Single("RUN_FINISHED")["outcome"]!["interrupts"]!.AsArray().Select(i => (string)i!["id"]!).ToArray();
        ids.Should().HaveCount(2);
        await Sse.RunAsync(client, Path, Resume("assistant-two", "r2", History(text, asked), (ids[0], true), (ids[1], true)));

        var denied = await Sse.RunAsync(client, Path, Ask("assistant-deny", "r1", "please send the email"));
        var deniedId = (string)denied.Single("RUN_FINISHED")["outcome"]!["interrupts"]![0]!["id"]!;
        await Sse.RunAsync(client, Path, Resume("assistant-deny", "r2", History("please send the email", denied), (deniedId, false)));

        (await EmailsSentAsync(client, "assistant-two")).Should().Be(2);
        (await EmailsSentAsync(client, "assistant-deny")).Should().Be(0);
    }

    [Fact]
    public async Task Assistant_AskedToUseAFrontendTool_EndsWithTheCallPendingForTheClient()
    {
        using var client = factory.CreateClient();

        var run = await Sse.RunAsync(client, Path, Ask("assistant-frontend", "r1", "use pickColor please",
            ""","tools":[{"name":"pickColor","description":"Lets the user pick a colour."}]"""));

        var call = run.Single("TOOL_CALL_START");
        ((string)call["toolCallName"]!).Should().Be("pickColor");
        var outcome = run.Single("RUN_FINISHED")["outcome"]!;
        ((string)outcome["type"]!).Should().Be("success");
        outcome["pendingToolCallIds"]!.AsArray().Select(i => (string)i!).Should().Equal((string)call["toolCallId"]!);
    }
}
