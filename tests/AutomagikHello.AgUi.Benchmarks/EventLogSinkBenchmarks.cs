using System.IO.Pipelines;
using AutomagikHello.AgUi.AspNetCore;
using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Runs;
using AutomagikHello.AgUi.Threads;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;

namespace AutomagikHello.AgUi.Benchmarks;

/// <summary>
/// What the event log adds to a run's sink: 100 events (RUN_STARTED, a 97-delta text message, RUN_FINISHED) written
/// and flushed every 8 events into a response that discards them, through the SSE sink alone (log off) or through
/// the log sink in front of it with the in-memory log (log on: ids, JSON written once, appended at each flush),
/// keeping the last <see cref="KeptRuns"/> runs.
/// </summary>
[MemoryDiagnoser]
public class EventLogSinkBenchmarks
{
    private InMemoryRunEventLog _log = null!;
    private readonly RunAgentInput _input = new() { ThreadId = "thread-42", RunId = "run-7", Messages = [new UserMessage { Id = "u1", Content = "hello" }] };
    private AgUiEvent[] _events = [];
    private long _run;

    [Params(false, true)]
    public bool Logged { get; set; }

    /// <summary>Finished runs the log keeps (each ~10 KB here): what the garbage collector must keep scanning.</summary>
    [Params(10, 1000)]
    public int KeptRuns { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _log = new InMemoryRunEventLog(new InMemoryRunEventLogOptions { MaxRuns = KeptRuns });
        var events = new List<AgUiEvent> { new RunStartedEvent { ThreadId = "thread-42", RunId = "run-7" }, new TextMessageStartEvent { MessageId = "msg_01HZX3" } };
        for (var i = 0; i < 96; i++)
        {
            events.Add(new TextMessageContentEvent { MessageId = "msg_01HZX3", Delta = "The quick brown fox jumps. " });
        }

        events.Add(new TextMessageEndEvent { MessageId = "msg_01HZX3" });
        events.Add(new RunFinishedEvent { ThreadId = "thread-42", RunId = "run-7" });
        _events = [.. events];
    }

    [Benchmark(OperationsPerInvoke = 100)]
    public async Task HundredEventRun()
    {
        var live = new SseRunEventSink(PipeWriter.Create(Stream.Null));
        var key = new RunLogKey(new ThreadKey("/agents/bench", "alice", "thread-42"), "run-" + _run++);
        IRunEventSink sink = Logged ? new RunEventLogSink(_log, key, DateTimeOffset.UtcNow, _input, live, keepRunning: true, NullLogger.Instance, CancellationToken.None) : live;
        using (sink)
        {
            for (var i = 0; i < _events.Length; i++)
            {
                sink.Write(_events[i]);
                if (i % 8 == 7 || i == _events.Length - 1)
                {
                    await sink.FlushAsync(CancellationToken.None);
                }
            }
        }
    }
}
