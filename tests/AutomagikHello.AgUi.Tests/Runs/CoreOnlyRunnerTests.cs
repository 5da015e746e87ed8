using System.Buffers;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using AutomagikHello.AgUi.Runs;
using AutomagikHello.AgUi.Streaming;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AutomagikHello.AgUi.Tests.Runs;

/// <summary>
/// The core package alone runs an agent: a <see cref="ServiceCollection"/> with only
/// <see cref="AgUiRunnerServiceCollectionExtensions.AddAgUiRunner"/> (no ASP.NET Core, no logging, no metrics
/// registered), an in-memory sink that frames the events as SSE, and the frames parsed back as JSON.
/// </summary>
public sealed class CoreOnlyRunnerTests
{
    [Fact]
    public async Task AddAgUiRunner_Alone_RunsAnAgentWhoseFramedEventsParse()
    {
        var services = new ServiceCollection();
        services.AddAgUiRunner();
        await using var provider = services.BuildServiceProvider();
        var sink = new SseBufferSink();
        var agent = new DelegateAgent(async (run, _) =>
        {
            await run.SendTextMessageAsync("hello, " + run.User.Identity?.Name, messageId: "m-out");
            return AgentOutcome.Success();
        });

        var end = await provider.GetRequiredService<AgUiRunner>().RunAsync(new RunInvocation
        {
            Agent = agent,
            AgentName = "voice",
            Input = new RunAgentInput { ThreadId = "t1", RunId = "r1", Messages = [new UserMessage { Id = "m1", Content = MessageContent.FromText("hi") }] },
            Owner = "alice",
            User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice")], "test")),
            Services = provider,
            Sink = sink,
        });

        end.Should().Be(new RunEnd(RunEndKind.Success));
        var events = sink.ParseFrames();
        events.Select(e => e.GetProperty("type").GetString()).Should().Equal(
            "RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_END", "RUN_FINISHED");
        events[0].GetProperty("threadId").GetString().Should().Be("t1");
        events[0].GetProperty("runId").GetString().Should().Be("r1");
        events[2].GetProperty("messageId").GetString().Should().Be("m-out");
        events[2].GetProperty("delta").GetString().Should().Be("hello, alice");
        events[4].GetProperty("outcome").GetProperty("type").GetString().Should().Be("success");
        sink.Completed.Should().BeTrue();
    }

    [Fact]
    public async Task AddAgUiRunner_AgentThrowsWithExceptionDetails_RunErrorCarriesTheMessage()
    {
        var services = new ServiceCollection();
        services.AddAgUiRunner(options => options.IncludeExceptionDetails = true);
        await using var provider = services.BuildServiceProvider();
        var sink = new SseBufferSink();

        var end = await provider.GetRequiredService<AgUiRunner>().RunAsync(new RunInvocation
        {
            Agent = new DelegateAgent((_, _) => throw new InvalidOperationException("boom")),
            AgentName = "voice",
            Input = new RunAgentInput { ThreadId = "t2", RunId = "r1", Messages = [] },
            Owner = "alice",
            User = new ClaimsPrincipal(),
            Services = provider,
            Sink = sink,
        });

        end.Should().Be(new RunEnd(RunEndKind.Error, RunErrorCodes.AgentError));
        var error = sink.ParseFrames().Last();
        error.GetProperty("type").GetString().Should().Be("RUN_ERROR");
        error.GetProperty("code").GetString().Should().Be(RunErrorCodes.AgentError);
        error.GetProperty("message").GetString().Should().Contain("boom");
    }

    [Fact]
    public async Task AddAgUiRunner_InvalidSetting_ResolvingTheRunnerNamesIt()
    {
        var services = new ServiceCollection();
        services.AddAgUiRunner(options => options.HeartbeatInterval = TimeSpan.Zero);
        await using var provider = services.BuildServiceProvider();

        var resolve = () => provider.GetRequiredService<AgUiRunner>();

        resolve.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("AgUiRunnerOptions.HeartbeatInterval");
    }

    /// <summary>Frames the accepted events as SSE into memory, as a response body would carry them.</summary>
    private sealed class SseBufferSink : IRunEventSink
    {
        private readonly ArrayBufferWriter<byte> _buffer = new();
        private readonly SseEventWriter _writer;

        public SseBufferSink() => _writer = new SseEventWriter(_buffer);

        public bool Completed { get; private set; }

        public int Write(AgUiEvent agUiEvent) => _writer.WriteEvent(agUiEvent);

        public int WriteHeartbeat() => _writer.WriteHeartbeat();

        public ValueTask<bool> FlushAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);

        public ValueTask CompleteAsync()
        {
            Completed = true;
            return ValueTask.CompletedTask;
        }

        public void Dispose() => _writer.Dispose();

        public List<JsonElement> ParseFrames() =>
            Encoding.UTF8.GetString(_buffer.WrittenSpan)
                .Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
                .Where(frame => frame.StartsWith("data: ", StringComparison.Ordinal))
                .Select(frame => JsonDocument.Parse(frame["data: ".Length..]).RootElement.Clone())
                .ToList();
    }
}
