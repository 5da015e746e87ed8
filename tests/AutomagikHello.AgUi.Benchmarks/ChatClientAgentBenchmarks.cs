using System.Runtime.CompilerServices;
using System.Security.Claims;
using AutomagikHello.AgUi.AspNetCore;
using AutomagikHello.AgUi.Runs;
using AutomagikHello.AgUi.Extensions.AI;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.Benchmarks;

/// <summary>
/// The Extensions.AI adapter's server CPU per streamed text token. One run of <see cref="Tokens"/> text updates from a
/// fake <see cref="IChatClient"/>, through the host-neutral runner (in-memory store, a sink that keeps nothing):
/// the fake enumerated alone (the floor), a hand-written agent emitting the same tokens as
/// <c>TEXT_MESSAGE_CONTENT</c> (the hosting's own per-event cost), and <see cref="ChatClientAgUiAgent"/> on the fake.
/// The adapter's cost per token is (adapter − hand-written) / tokens.
/// </summary>
[MemoryDiagnoser]
public class ChatClientAgentBenchmarks : IDisposable
{
    private ServiceProvider _services = null!;
    private AgUiRunner _runner = null!;
    private TokenChatClient _model = null!;
    private ChatClientAgUiAgent _adapter = null!;
    private DelegateAgent _hand = null!;
    private int _thread;

    [Params(1000)]
    public int Tokens { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddAgUi();
        _services = services.BuildServiceProvider();
        _runner = _services.GetRequiredService<AgUiRunner>();
        _model = new TokenChatClient(Tokens);
        _adapter = new ChatClientAgUiAgent(_model);
        _hand = new DelegateAgent(async (run, _) =>
        {
            var message = await run.StartTextMessageAsync();
            for (var i = 0; i < Tokens; i++)
            {
                await message.AppendAsync(TokenChatClient.Token);
            }

            await message.EndAsync();
            return AgentOutcome.Success();
        });
    }

    public void Dispose()
    {
        _services.Dispose();
        _model.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public async Task<int> FakeChatClientAlone()
    {
        var count = 0;
        await foreach (var update in _model.GetStreamingResponseAsync([]))
        {
            count += update.Contents.Count;
        }

        return count;
    }

    [Benchmark]
    public async Task<RunEndKind> HandWrittenAgent() => (await RunAsync(_hand)).Kind;

    [Benchmark]
    public async Task<RunEndKind> ChatClientAgent() => (await RunAsync(_adapter)).Kind;

    private Task<RunEnd> RunAsync(IAgUiAgent agent) => _runner.RunAsync(new RunInvocation
    {
        Agent = agent,
        AgentName = "/agents/bench",
        Input = new RunAgentInput
        {
            ThreadId = "t" + Interlocked.Increment(ref _thread),
            RunId = "r1",
            Messages = [new UserMessage { Id = "u1", Content = "Hello" }],
        },
        Owner = "bench",
        User = new ClaimsPrincipal(),
        Services = _services,
        Sink = new DiscardingSink(),
    });

    /// <summary>Streams the same one-token update <c>count</c> times, with no delay and nothing allocated per token.</summary>
    private sealed class TokenChatClient(int count) : IChatClient
    {
        public const string Token = "token ";

        private readonly ChatResponseUpdate _update = new(ChatRole.Assistant, Token) { MessageId = "m1" };

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask;
            for (var i = 0; i < count; i++)
            {
                yield return _update;
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private sealed class DiscardingSink : IRunEventSink
    {
        public int Write(AgUiEvent agUiEvent) => 0;

        public int WriteHeartbeat() => 0;

        public ValueTask<bool> FlushAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);

        public void Dispose()
        {
        }
    }
}
