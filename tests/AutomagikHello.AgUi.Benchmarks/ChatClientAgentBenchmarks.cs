using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using AutomagikHello.AgUi.Agents.AI;
using AutomagikHello.AgUi.AspNetCore;
using AutomagikHello.AgUi.Runs;
using AutomagikHello.AgUi.Extensions.AI;
using BenchmarkDotNet.Attributes;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.Benchmarks;

/// <summary>
/// The model adapters' server CPU per streamed text token. One run of <see cref="Tokens"/> text updates from a fake
/// <see cref="IChatClient"/>, through the host-neutral runner (in-memory store) into the SSE sink the endpoint uses
/// (every event serialized and framed, written to a pipe over <see cref="Stream.Null"/>): the fake enumerated alone
/// (the floor), a hand-written agent emitting the same tokens as <c>TEXT_MESSAGE_CONTENT</c> (the hosting's own
/// per-event cost), <see cref="ChatClientAgUiAgent"/> on the fake, and <see cref="AgentFrameworkAgUiAgent"/> on an Agent
/// Framework <see cref="ChatClientAgent"/> over the fake. An adapter's cost per token is (adapter − hand-written) / tokens.
/// </summary>
[MemoryDiagnoser]
public class ChatClientAgentBenchmarks : IDisposable
{
    private ServiceProvider _services = null!;
    private AgUiRunner _runner = null!;
    private TokenChatClient _model = null!;
    private ChatClientAgUiAgent _adapter = null!;
    private AgentFrameworkAgUiAgent _agentFramework = null!;
    private DelegateAgent _hand = null!;
    private PipeWriter _output = null!;
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
        _agentFramework = new AgentFrameworkAgUiAgent(new ChatClientAgent(_model));
        _output = PipeWriter.Create(Stream.Null);
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

        // Every measured run must be the same work: a successful run streaming all the tokens.
        foreach (var agent in new IAgUiAgent[] { _hand, _adapter, _agentFramework })
        {
            var sink = new CountingSink();
            var end = RunAsync(agent, sink).GetAwaiter().GetResult();
            if (end.Kind != RunEndKind.Success || sink.TextDeltas != Tokens)
            {
                throw new InvalidOperationException($"{agent.GetType().Name}: {end.Kind} with {sink.TextDeltas} of {Tokens} text deltas.");
            }
        }
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

    [Benchmark]
    public async Task<RunEndKind> AgentFrameworkAgent() => (await RunAsync(_agentFramework)).Kind;

    private Task<RunEnd> RunAsync(IAgUiAgent agent) => RunAsync(agent, new SseRunEventSink(_output));

    private Task<RunEnd> RunAsync(IAgUiAgent agent, IRunEventSink sink) => _runner.RunAsync(new RunInvocation
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
        Sink = sink,
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

    private sealed class CountingSink : IRunEventSink
    {
        public int TextDeltas { get; private set; }

        public int Write(AgUiEvent agUiEvent)
        {
            TextDeltas += agUiEvent is TextMessageContentEvent ? 1 : 0;
            return 0;
        }

        public int WriteHeartbeat() => 0;

        public ValueTask<bool> FlushAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);

        public void Dispose()
        {
        }
    }
}
