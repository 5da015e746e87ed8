using System.ClientModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.Extensions.AI.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using OpenAI;
using static AutomagikHello.AgUi.Extensions.AI.Tests.Infrastructure.FakeOpenAiServer;

namespace AutomagikHello.AgUi.Extensions.AI.Tests;

/// <summary>
/// The agent on the official OpenAI client (<c>Microsoft.Extensions.AI.OpenAI</c>) against a local OpenAI-compatible
/// streaming server: real HTTP, the SDK's own parsing, tool-call arguments split across chunks, and the history a
/// real provider demands on the way back (the assistant's tool call, then its tool result).
/// </summary>
public sealed class OpenAiWiringTests : IAsyncLifetime
{
    private InProcessHost _host = null!;
    private int _sent;

    public Task InitializeAsync()
    {
        _host = new InProcessHost();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.StopAsync();

    private ChatClientAgUiAgent Agent(FakeOpenAiServer server)
    {
        var model = new OpenAIClient(new ApiKeyCredential("test-key"), new OpenAIClientOptions { Endpoint = server.Endpoint })
            .GetChatClient("fake-1")
            .AsIChatClient();
        var options = new ChatClientAgUiAgentOptions { Instructions = "Be brief." };
        options.Tools.Add(new ApprovalRequiredAIFunction(AIFunctionFactory.Create(
            (string to) => $"sent {Interlocked.Increment(ref _sent)} to {to}", "sendEmail", "Sends an email.")));
        return new ChatClientAgUiAgent(model, options);
    }

    [Fact]
    public async Task Run_StreamedTextAndUsage_ArriveAsTokensAndOutcomeUsage()
    {
        await using var server = await StartAsync(
        [
            Chunk("""{"role":"assistant","content":""}"""),
            Chunk("""{"content":"Hel"}"""),
            Chunk("""{"content":"lo"}"""),
            Chunk("{}", "stop"),
            Usage(prompt: 9, completion: 2),
        ]);

        var (end, events) = await _host.RunAsync(Agent(server), new RunAgentInput
        {
            ThreadId = "t1",
            RunId = "r1",
            Messages = [new UserMessage { Id = "u1", Content = "Hello" }],
        });

        end.Kind.Should().Be(RunEndKind.Success);
        events.OfType<TextMessageContentEvent>().Select(e => e.Delta).Should().Equal("Hel", "lo");
        var usage = events.OfType<RunFinishedEvent>().Single().Usage!.Single();
        usage.InputTokens.Should().Be(9);
        usage.OutputTokens.Should().Be(2);
        usage.Model.Should().Be("fake-1");
        var request = server.Requests.Single();
        ((bool)request["stream"]!).Should().BeTrue();
        request["messages"]!.AsArray().Select(m => (string)m!["role"]!).Should().Equal("system", "user");
        request["tools"]!.AsArray().Select(t => (string)t!["function"]!["name"]!).Should().Equal("sendEmail");
    }

    [Fact]
    public async Task Approval_ArgumentsSplitAcrossChunks_InterruptThenTheApprovedCallRunsAndTheProviderGetsCallAndResult()
    {
        await using var server = await StartAsync(
            [
                Chunk("""{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"sendEmail","arguments":""}}]}"""),
                Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"{\"to\":"}}]}"""),
                Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"\"bob@example.com\"}"}}]}"""),
                Chunk("{}", "tool_calls"),
            ],
            [
                Chunk("""{"role":"assistant","content":"Sent."}"""),
                Chunk("{}", "stop"),
            ]);
        var agent = Agent(server);
        var ask = new UserMessage { Id = "u1", Content = "please send the email" };

        var (asked, events) = await _host.RunAsync(agent, new RunAgentInput { ThreadId = "t1", RunId = "r1", Messages = [ask] });

        asked.Kind.Should().Be(RunEndKind.Interrupt);
        var args = events.OfType<ToolCallArgsEvent>().Single().Delta;
        JsonDocument.Parse(args).RootElement.GetProperty("to").GetString().Should().Be("bob@example.com");
        var interrupt = events.OfType<RunFinishedEvent>().Single().Outcome.Should().BeOfType<InterruptOutcome>().Subject.Interrupts.Single();
        interrupt.ToolCallId.Should().Be("call_1");
        _sent.Should().Be(0);

        var (resumed, resumeEvents) = await _host.RunAsync(agent, new RunAgentInput
        {
            ThreadId = "t1",
            RunId = "r2",
            Messages = [ask, new AssistantMessage { Id = "a1", ToolCalls = [new ToolCall { Id = "call_1", Function = new FunctionCall { Name = "sendEmail", Arguments = args } }] }],
            Resume = [new ResumeEntry { InterruptId = interrupt.Id, Status = ResumeStatus.Resolved, Payload = JsonDocument.Parse("""{"approved":true}""").RootElement }],
        });

        resumed.Kind.Should().Be(RunEndKind.Success);
        _sent.Should().Be(1);
        resumeEvents.OfType<TextMessageContentEvent>().Single().Delta.Should().Be("Sent.");
        var messages = server.Requests[1]["messages"]!.AsArray();
        messages.Select(m => (string)m!["role"]!).Should().Equal("system", "user", "assistant", "tool");
        var call = messages[2]!["tool_calls"]!.AsArray().Single()!;
        ((string)call["id"]!).Should().Be("call_1");
        ((string)call["function"]!["name"]!).Should().Be("sendEmail");
        JsonNode.Parse((string)call["function"]!["arguments"]!)!["to"]!.GetValue<string>().Should().Be("bob@example.com");
        ((string)messages[3]!["tool_call_id"]!).Should().Be("call_1");
        ((string)messages[3]!["content"]!).Should().Contain("sent 1 to bob@example.com");
    }

    [Fact]
    public async Task Run_ProviderAnswers500_ModelErrorWithoutTheProvidersWords()
    {
        await using var server = await StartAsync(); // no script: the server fails the request

        var (end, events) = await _host.RunAsync(Agent(server), new RunAgentInput
        {
            ThreadId = "t1",
            RunId = "r1",
            Messages = [new UserMessage { Id = "u1", Content = "Hello" }],
        });

        end.Kind.Should().Be(RunEndKind.Error);
        var error = events.OfType<RunErrorEvent>().Single();
        error.Code.Should().Be(ChatClientErrorCodes.ModelError);
        error.Message.Should().NotContain("scripted");
    }
}
