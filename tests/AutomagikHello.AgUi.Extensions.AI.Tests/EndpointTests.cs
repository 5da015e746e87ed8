using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore;
using AutomagikHello.AgUi.Extensions.AI.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.AI;
using static AutomagikHello.AgUi.Extensions.AI.Tests.Infrastructure.RecordingChatClient;

namespace AutomagikHello.AgUi.Extensions.AI.Tests;

/// <summary><c>MapAgUi(pattern, chatClient, options)</c> on a real Kestrel server: SSE out, an approval round trip in.</summary>
public sealed class EndpointTests : IAsyncLifetime, IDisposable
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private RecordingChatClient _model = null!;
    private int _sent;

    public async Task InitializeAsync()
    {
        _model = new RecordingChatClient(
            Text("Hel", "lo"),
            Calls(new FunctionCallContent("call_1", "sendEmail", new Dictionary<string, object?> { ["to"] = "bob@example.com" })),
            Text("Sent."));
        var options = new ChatClientAgUiAgentOptions { Instructions = "You are a test." };
        options.Tools.Add(new ApprovalRequiredAIFunction(AIFunctionFactory.Create((string to) => $"sent {Interlocked.Increment(ref _sent)} to {to}", "sendEmail")));

        (_app, var address) = await LoopbackKestrel.StartAsync(services => services.AddAgUi(), app => app.MapAgUi("/agents/assistant", _model, options));
        _client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public void Dispose()
    {
        _client.Dispose();
        _model.Dispose();
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private Task<List<JsonObject>> RunAsync(string body) => SseRuns.PostAsync(_client, "/agents/assistant", body);

    private static IEnumerable<string> Types(List<JsonObject> events) => SseRuns.Types(events);

    [Fact]
    public async Task Post_PlainMessage_StreamsTheModelsTokensAsAgUiEvents()
    {
        var events = await RunAsync("""{"threadId":"t1","runId":"r1","messages":[{"id":"u1","role":"user","content":"Hello"}]}""");

        Types(events).Should().Equal("RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED");
        events.Where(e => (string)e["type"]! == "TEXT_MESSAGE_CONTENT").Select(e => (string)e["delta"]!).Should().Equal("Hel", "lo");
        var sent = _model.Requests.Single().Messages;
        sent[0].Text.Should().Be("You are a test.");
        sent[1].Text.Should().Be("Hello");
    }

    [Fact]
    public async Task Post_ApprovalRoundTrip_InterruptThenResumeRunsTheToolOnceAndARepeatRunsNothing()
    {
        _ = await RunAsync("""{"threadId":"t0","runId":"r0","messages":[{"id":"u0","role":"user","content":"Hello"}]}""");
        var asked = await RunAsync("""{"threadId":"t1","runId":"r1","messages":[{"id":"u1","role":"user","content":"please send the email"}]}""");
        var outcome = asked.Single(e => (string)e["type"]! == "RUN_FINISHED")["outcome"]!;
        ((string)outcome["type"]!).Should().Be("interrupt");
        var interrupt = outcome["interrupts"]!.AsArray().Single()!;
        ((string)interrupt["toolCallId"]!).Should().Be("call_1");
        var interruptId = (string)interrupt["id"]!;
        var resume = """
            {"threadId":"t1","runId":"r2","messages":[
              {"id":"u1","role":"user","content":"please send the email"},
              {"id":"a1","role":"assistant","toolCalls":[{"id":"call_1","type":"function","function":{"name":"sendEmail","arguments":"{\"to\":\"eve@example.com\"}"}}]}],
             "resume":[{"interruptId":"INTERRUPT_ID","status":"resolved","payload":{"approved":true}}]}
            """.Replace("INTERRUPT_ID", interruptId, StringComparison.Ordinal);

        var resumed = await RunAsync(resume);
        var repeated = await RunAsync(resume.Replace("\"r2\"", "\"r3\"", StringComparison.Ordinal));

        Types(resumed).Should().Equal("RUN_STARTED", "TOOL_CALL_RESULT", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED");
        ((string)resumed[1]["content"]!).Should().Be("sent 1 to bob@example.com", "the recorded call runs, not the client's echo");
        Types(repeated).Should().Equal("RUN_ERROR");
        _sent.Should().Be(1);
    }
}
