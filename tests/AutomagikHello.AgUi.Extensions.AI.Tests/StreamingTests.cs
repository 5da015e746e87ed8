using AutomagikHello.AgUi.Extensions.AI.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using static AutomagikHello.AgUi.Extensions.AI.Tests.Infrastructure.RecordingChatClient;

namespace AutomagikHello.AgUi.Extensions.AI.Tests;

/// <summary>What the client sees of the model's stream: text, reasoning, tool calls and results, usage, errors, cancellation.</summary>
public sealed class StreamingTests : IAsyncLifetime
{
    private InProcessHost _host = null!;

    public Task InitializeAsync()
    {
        _host = new InProcessHost();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.StopAsync();

    private static RunAgentInput Hello(string threadId = "t1", IReadOnlyList<Tool>? tools = null) => new()
    {
        ThreadId = threadId,
        RunId = "r-" + Guid.NewGuid().ToString("N"),
        Messages = [new UserMessage { Id = "u1", Content = "Hello" }],
        Tools = tools,
    };

    [Fact]
    public async Task Run_TextTokens_OneTextMessageWithOneContentEventPerToken()
    {
        var agent = new ChatClientAgUiAgent(new RecordingChatClient(Text("Hel", "lo", "!")));

        var (end, events) = await _host.RunAsync(agent, Hello());

        end.Kind.Should().Be(RunEndKind.Success);
        events.Select(e => e.EventType).Should().Equal(
            AgUiEventType.RunStarted, AgUiEventType.TextMessageStart, AgUiEventType.TextMessageContent, AgUiEventType.TextMessageContent,
            AgUiEventType.TextMessageContent, AgUiEventType.TextMessageEnd, AgUiEventType.RunFinished);
        events.OfType<TextMessageContentEvent>().Select(e => e.Delta).Should().Equal("Hel", "lo", "!");
        events.OfType<TextMessageStartEvent>().Single().Role.Should().Be(TextMessageRole.Assistant);
    }

    [Fact]
    public async Task Run_ReasoningThenTextAndANewProviderMessage_ReasoningSpanThenOneTextMessagePerProviderMessage()
    {
        var agent = new ChatClientAgUiAgent(new RecordingChatClient(Turn(
            Update(new TextReasoningContent("think"), "m1"),
            Update(new TextReasoningContent("ing"), "m1"),
            Update(new TextContent("first"), "m1"),
            Update(new TextContent("second"), "m2"))));

        var (_, events) = await _host.RunAsync(agent, Hello());

        events.Select(e => e.EventType).Should().Equal(
            AgUiEventType.RunStarted,
            AgUiEventType.ReasoningStart, AgUiEventType.ReasoningMessageStart, AgUiEventType.ReasoningMessageContent, AgUiEventType.ReasoningMessageContent,
            AgUiEventType.ReasoningMessageEnd, AgUiEventType.ReasoningEnd,
            AgUiEventType.TextMessageStart, AgUiEventType.TextMessageContent, AgUiEventType.TextMessageEnd,
            AgUiEventType.TextMessageStart, AgUiEventType.TextMessageContent, AgUiEventType.TextMessageEnd,
            AgUiEventType.RunFinished);
        events.OfType<ReasoningMessageContentEvent>().Select(e => e.Delta).Should().Equal("think", "ing");
        events.OfType<TextMessageStartEvent>().Select(e => e.MessageId).Distinct().Should().HaveCount(2);
    }

    [Fact]
    public async Task Run_ParallelServerToolCalls_EachStreamedExecutedOnceAndItsResultSentThenTheModelAnswers()
    {
        var calls = new List<string>();
        var lookup = AIFunctionFactory.Create((string city) => { lock (calls) { calls.Add(city); } return $"sunny in {city}"; }, "weather");
        var model = new RecordingChatClient(
            Calls(new FunctionCallContent("c1", "weather", new Dictionary<string, object?> { ["city"] = "Lisbon" }),
                  new FunctionCallContent("c2", "weather", new Dictionary<string, object?> { ["city"] = "Porto" })),
            Text("Both sunny."));
        var options = new ChatClientAgUiAgentOptions();
        options.Tools.Add(lookup);

        var (end, events) = await _host.RunAsync(new ChatClientAgUiAgent(model, options), Hello());

        end.Kind.Should().Be(RunEndKind.Success);
        calls.Should().BeEquivalentTo(["Lisbon", "Porto"]);
        events.OfType<ToolCallStartEvent>().Select(e => (e.ToolCallId, e.ToolCallName)).Should().Equal(("c1", "weather"), ("c2", "weather"));
        events.OfType<ToolCallArgsEvent>().Select(e => e.Delta).Should().Equal("""{"city":"Lisbon"}""", """{"city":"Porto"}""");
        var results = events.OfType<ToolCallResultEvent>().ToList();
        results.Select(r => r.ToolCallId).Should().BeEquivalentTo(["c1", "c2"]);
        results.Single(r => r.ToolCallId == "c1").Content.Text.Should().Be("sunny in Lisbon");
        events.OfType<TextMessageContentEvent>().Single().Delta.Should().Be("Both sunny.");
        var second = model.Requests[1].Messages;
        second.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Select(r => r.CallId).Should().BeEquivalentTo(["c1", "c2"]);
    }

    [Fact]
    public async Task Run_ModelCallsAFrontendTool_RunSucceedsWithTheCallPendingForTheClient()
    {
        var model = new RecordingChatClient(Calls(new FunctionCallContent("fc1", "pickColor", new Dictionary<string, object?>())));
        var tools = new[] { new Tool { Name = "pickColor", Description = "Pick a colour." } };

        var (end, events) = await _host.RunAsync(new ChatClientAgUiAgent(model), Hello(tools: tools));

        end.Kind.Should().Be(RunEndKind.Success);
        events.OfType<ToolCallStartEvent>().Single().ToolCallName.Should().Be("pickColor");
        events.OfType<ToolCallResultEvent>().Should().BeEmpty();
        var outcome = events.OfType<RunFinishedEvent>().Single().Outcome.Should().BeOfType<SuccessOutcome>().Subject;
        outcome.PendingToolCallIds.Should().Equal("fc1");
        model.Requests.Should().HaveCount(1, "the client answers a frontend tool in its next run");
    }

    [Fact]
    public async Task Run_ProviderReportsUsage_TheOutcomeCarriesItSummed()
    {
        var model = new RecordingChatClient(Turn(
            Update(new TextContent("hi"), "m1"),
            Update(new UsageContent(new UsageDetails { InputTokenCount = 10, OutputTokenCount = 3, TotalTokenCount = 13 })),
            Update(new UsageContent(new UsageDetails { InputTokenCount = 1, OutputTokenCount = 1, TotalTokenCount = 2, ReasoningTokenCount = 1 }))));

        var (_, events) = await _host.RunAsync(new ChatClientAgUiAgent(model), Hello());

        var usage = events.OfType<RunFinishedEvent>().Single().Usage!.Should().ContainSingle().Subject;
        usage.Provider.Should().Be("recordingprovider");
        usage.Model.Should().Be("recording-1");
        usage.InputTokens.Should().Be(11);
        usage.OutputTokens.Should().Be(4);
        usage.TotalTokens.Should().Be(15);
        usage.ReasoningTokens.Should().Be(1);
    }

    [Fact]
    public async Task Run_NoUsageReported_OutcomeHasNoUsage()
    {
        var (_, events) = await _host.RunAsync(new ChatClientAgUiAgent(new RecordingChatClient(Text("hi"))), Hello());

        events.OfType<RunFinishedEvent>().Single().Usage.Should().BeNull();
    }

    [Fact]
    public async Task Run_ProviderThrowsMidStream_RunErrorWithModelErrorAndNoProviderDetails()
    {
        var model = new RecordingChatClient(Throws(new HttpRequestException("401 from https://api.example.com key=sk-secret")));

        var (end, events) = await _host.RunAsync(new ChatClientAgUiAgent(model), Hello());

        end.Kind.Should().Be(RunEndKind.Error);
        var error = events.OfType<RunErrorEvent>().Single();
        error.Code.Should().Be(ChatClientErrorCodes.ModelError);
        error.Message.Should().NotContain("sk-secret").And.NotContain("api.example.com");
    }

    [Fact]
    public async Task Run_ProviderTimesOut_ModelErrorNotAgentError()
    {
        var model = new RecordingChatClient(Throws(new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout of 100 seconds elapsing.")));

        var (end, events) = await _host.RunAsync(new ChatClientAgUiAgent(model), Hello());

        end.Kind.Should().Be(RunEndKind.Error);
        events.OfType<RunErrorEvent>().Single().Code.Should().Be(ChatClientErrorCodes.ModelError);
    }

    [Fact]
    public async Task Run_ProviderStreamsAnErrorContent_RunErrorWithModelErrorAndTheProviderMessageKeptOut()
    {
        var model = new RecordingChatClient(Turn(Update(new ErrorContent("quota exceeded for org-secret") { ErrorCode = "429" })));

        var (_, events) = await _host.RunAsync(new ChatClientAgUiAgent(model), Hello());

        var error = events.OfType<RunErrorEvent>().Single();
        error.Code.Should().Be(ChatClientErrorCodes.ModelError);
        error.Message.Should().NotContain("org-secret");
    }

    [Fact]
    public async Task Cancel_MidToken_StopsTheModelStreamAtOnceAndEndsCancelled()
    {
        var model = new RecordingChatClient();
        model.Enqueue(model.TextThenHang("Hel", "lo"));
        var running = _host.RunAsync(new ChatClientAgUiAgent(model), Hello("t-cancel"));
        await model.Streaming.Task;

        _host.Cancel("t-cancel").Should().ContainSingle();
        var (end, events) = await running;

        end.Kind.Should().Be(RunEndKind.Cancelled);
        events.OfType<RunFinishedEvent>().Single().Outcome!.Kind.Should().Be(RunEndKind.Cancelled);
        events.OfType<TextMessageContentEvent>().Select(e => e.Delta).Should().NotContain("never");
    }

    [Fact]
    public async Task ServerTool_ReadsCurrentRun_TwoRunsInTheToolAtOnce_EachSeesItsOwn()
    {
        // Both runs are inside the tool together before either reads: one run's value cannot hide the other's.
        var inTool = 0;
        var bothIn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = new System.Collections.Concurrent.ConcurrentBag<(string? Before, string? After)>();
        var tool = AIFunctionFactory.Create(
            async () =>
            {
                var before = ChatClientAgUiAgent.CurrentRun?.ThreadId;
                if (Interlocked.Increment(ref inTool) == 2)
                {
                    bothIn.TrySetResult();
                }

                await bothIn.Task.WaitAsync(TimeSpan.FromSeconds(30));
                seen.Add((before, ChatClientAgUiAgent.CurrentRun?.ThreadId));
                return "ok";
            },
            "whereAmI");
        var options = new ChatClientAgUiAgentOptions();
        options.Tools.Add(tool);
        ChatClientAgUiAgent Agent() => new(new RecordingChatClient(Calls(new FunctionCallContent("c1", "whereAmI")), Text("ok")), options);

        await Task.WhenAll(_host.RunAsync(Agent(), Hello("t-a")), _host.RunAsync(Agent(), Hello("t-b")));

        seen.Should().BeEquivalentTo([("t-a", "t-a"), ("t-b", "t-b")], options => options.WithoutStrictOrdering());
        (await tool.InvokeAsync()).Should().NotBeNull();
        seen.Should().HaveCount(3).And.Contain((null, null), "a tool invoked outside any run sees none");
    }
}
