using System.Security.Claims;
using AutomagikHello.AgUi.Runs;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.Tests.Runs;

/// <summary>
/// An agent run in-process by the host-neutral <see cref="AgUiRunner"/>: no server, no HTTP request, no ASP.NET Core
/// (this project does not reference it; the services are the core's own registrations), the events collected by a
/// sink of the test's own.
/// </summary>
public sealed class InProcessRunTests : IAsyncLifetime
{
    private ServiceProvider _services = null!;

    public Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddAgUiRunner();
        _services = services.BuildServiceProvider();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private RunInvocation Invocation(IAgUiAgent agent, ListSink sink, string threadId = "t1", string runId = "r1", ClaimsPrincipal? user = null) => new()
    {
        Agent = agent,
        AgentName = "/agents/in-process",
        Input = new RunAgentInput { ThreadId = threadId, RunId = runId, Messages = [new UserMessage { Id = "m1", Content = MessageContent.FromText("hello") }] },
        Owner = "alice",
        User = user ?? new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "alice")], "test")),
        Services = _services,
        Sink = sink,
        Items = new Dictionary<object, object?> { ["greeting"] = "hi" },
    };

    [Fact]
    public async Task Run_AgentSendsText_EventsGoToTheSinkInOrderWithOneTerminalEvent()
    {
        var sink = new ListSink();
        AgUiRun? seen = null;
        var agent = new DelegateAgent(async (run, _) =>
        {
            seen = run;
            await run.SendTextMessageAsync($"{run.Items["greeting"]}, {run.User.Identity?.Name}");
            return AgentOutcome.Success();
        });

        var end = await _services.GetRequiredService<AgUiRunner>().RunAsync(Invocation(agent, sink));

        end.Kind.Should().Be(RunEndKind.Success);
        sink.Events.Select(e => e.EventType).Should().Equal(
            AgUiEventType.RunStarted, AgUiEventType.TextMessageStart, AgUiEventType.TextMessageContent, AgUiEventType.TextMessageEnd, AgUiEventType.RunFinished);
        sink.Events.OfType<TextMessageContentEvent>().Single().Delta.Should().Be("hi, alice");
        sink.Events.OfType<RunFinishedEvent>().Single().Outcome!.Kind.Should().Be(RunEndKind.Success);
        sink.Completed.Should().BeTrue();
        sink.Disposed.Should().BeTrue();
        seen!.Services.Should().BeSameAs(_services);
    }

    [Fact]
    public async Task Run_AgentLeavesAMessageOpenAndInterrupts_LibraryClosesItAndTheStoreHoldsTheInterrupt()
    {
        var sink = new ListSink();
        var agent = new DelegateAgent(async (run, _) =>
        {
            await run.StartTextMessageAsync();
            return AgentOutcome.Interrupt(new Interrupt { Id = "i1", Reason = "confirm" });
        });

        var end = await _services.GetRequiredService<AgUiRunner>().RunAsync(Invocation(agent, sink, threadId: "t2"));

        end.Kind.Should().Be(RunEndKind.Interrupt);
        sink.Events.Select(e => e.EventType).Should().Equal(
            AgUiEventType.RunStarted, AgUiEventType.TextMessageStart, AgUiEventType.TextMessageEnd, AgUiEventType.RunFinished);
        var record = await _services.GetRequiredService<IThreadStore>().GetAsync(new ThreadKey("/agents/in-process", "alice", "t2"));
        record!.Pending.Select(p => p.Interrupt.Id).Should().Equal("i1");
    }

    [Fact]
    public async Task Run_AgentThrows_EndsWithOneRunErrorAndNothingAfterIt()
    {
        var sink = new ListSink();
        var agent = new DelegateAgent((_, _) => throw new InvalidOperationException("boom"));

        var end = await _services.GetRequiredService<AgUiRunner>().RunAsync(Invocation(agent, sink, threadId: "t3"));

        end.Should().Be(new RunEnd(RunEndKind.Error, RunErrorCodes.AgentError));
        sink.Events.Select(e => e.EventType).Should().Equal(AgUiEventType.RunStarted, AgUiEventType.RunError);
    }

    [Fact]
    public async Task Run_ThreadBusy_RefusalIsTheOnlyEventAndTheAgentNeverRuns()
    {
        var gate = new TaskCompletionSource();
        var runs = 0;
        var agent = new DelegateAgent(async (run, cancellationToken) =>
        {
            Interlocked.Increment(ref runs);
            await gate.Task.WaitAsync(cancellationToken);
            return AgentOutcome.Success();
        });
        var runner = _services.GetRequiredService<AgUiRunner>();
        var first = new ListSink();
        var firstRun = runner.RunAsync(Invocation(agent, first, threadId: "t4", runId: "r1"));
        await first.Started.Task;

        var second = new ListSink();
        var refused = await runner.RunAsync(Invocation(agent, second, threadId: "t4", runId: "r2"));
        gate.SetResult();
        await firstRun;

        refused.Should().Be(new RunEnd(RunEndKind.Error, ThreadErrorCodes.ThreadBusy));
        second.Events.Should().ContainSingle().Which.Should().BeOfType<RunErrorEvent>().Which.Code.Should().Be(ThreadErrorCodes.ThreadBusy);
        runs.Should().Be(1);
    }

    [Fact]
    public async Task Run_AgentEmitsBeforeItsFirstAwait_TheEventsGoOutWhenItAwaits_InlineOnItsThread()
    {
        const int contents = 20;
        var sink = new ListSink();
        var writtenBeforeTheAwait = -1;
        var agentThread = 0;
        var agent = new DelegateAgent(async (run, _) =>
        {
            await run.EmitAsync(new TextMessageStartEvent { MessageId = "a1" });
            for (var i = 0; i < contents; i++)
            {
                await run.EmitAsync(new TextMessageContentEvent { MessageId = "a1", Delta = "x" });
            }

            // A writer woken by these emits would write them now, on the thread pool: give it the time to.
            sink.AgentEventWritten.Wait(TimeSpan.FromMilliseconds(200), CancellationToken.None);
            writtenBeforeTheAwait = sink.Events.Count - 1;
            agentThread = Environment.CurrentManagedThreadId;
            await Task.Yield();
            await run.EmitAsync(new TextMessageEndEvent { MessageId = "a1" });
            return AgentOutcome.Success();
        });

        // Started on a thread of its own, not the thread pool's: a writer woken onto the pool finds a free thread there.
        var runner = _services.GetRequiredService<AgUiRunner>();
        var started = new TaskCompletionSource<Task<RunEnd>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => started.SetResult(runner.RunAsync(Invocation(agent, sink, threadId: "t5"))));
        thread.Start();
        var end = await await started.Task;

        end.Kind.Should().Be(RunEndKind.Success);
        writtenBeforeTheAwait.Should().Be(0, "what the agent emits before its first await goes out when it awaits");
        sink.Events.Count(e => e.EventType == AgUiEventType.TextMessageContent).Should().Be(contents);
        sink.WriterThreads.Take(contents + 2).Should().AllSatisfy(thread => thread.Should().Be(agentThread,
            "RUN_STARTED and the burst were written on the thread that ran the agent's synchronous part, not after a hop to the thread pool"));
    }

    [Fact]
    public async Task Run_AgentCompletesSynchronously_EverythingIsWrittenInlineBeforeRunAsyncReturns()
    {
        var sink = new ListSink();
        var agentThread = 0;
        var agent = new DelegateAgent((run, _) =>
        {
            agentThread = Environment.CurrentManagedThreadId;
            run.EmitAsync(new TextMessageStartEvent { MessageId = "a1" }).AsTask().IsCompletedSuccessfully.Should().BeTrue();
            return ValueTask.FromResult(AgentOutcome.Success());
        });

        var running = _services.GetRequiredService<AgUiRunner>().RunAsync(Invocation(agent, sink, threadId: "t6"));

        running.IsCompletedSuccessfully.Should().BeTrue("a store that begins at once, a sink that flushes at once and an agent that never awaits: nothing waits");
        (await running).Kind.Should().Be(RunEndKind.Success);
        sink.Events.Select(e => e.EventType).Should().Equal(
            AgUiEventType.RunStarted, AgUiEventType.TextMessageStart, AgUiEventType.TextMessageEnd, AgUiEventType.RunFinished);
        sink.WriterThreads.Should().AllSatisfy(thread => thread.Should().Be(agentThread));
    }

    /// <summary>Collects what the runner accepted.</summary>
    private sealed class ListSink : IRunEventSink
    {
        public List<AgUiEvent> Events { get; } = [];

        /// <summary>The thread each event was written on, in order.</summary>
        public List<int> WriterThreads { get; } = [];

        /// <summary>Set when the first event after <c>RUN_STARTED</c> is written.</summary>
        public ManualResetEventSlim AgentEventWritten { get; } = new();

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Completed { get; private set; }

        public bool Disposed { get; private set; }

        public int Write(AgUiEvent agUiEvent)
        {
            lock (Events)
            {
                Events.Add(agUiEvent);
                WriterThreads.Add(Environment.CurrentManagedThreadId);
                if (agUiEvent.EventType != AgUiEventType.RunStarted)
                {
                    AgentEventWritten.Set();
                }
            }

            Started.TrySetResult();
            return 0;
        }

        public int WriteHeartbeat() => 0;

        public ValueTask<bool> FlushAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);

        public ValueTask CompleteAsync()
        {
            Completed = true;
            return ValueTask.CompletedTask;
        }

        public void Dispose()
        {
            Disposed = true;
            AgentEventWritten.Dispose();
        }
    }
}
