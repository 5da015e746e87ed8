using AutomagikHello.AgUi.Sequencing;
using BenchmarkDotNet.Attributes;

namespace AutomagikHello.AgUi.Benchmarks;

/// <summary>
/// What a guard costs a run beyond its events: creating one, and checking the whole of a short run (RUN_STARTED, one
/// text message, RUN_FINISHED), the shape of the demo's bench agent. A guard lives as long as its stream, so what it
/// allocates up front is memory every idle open stream holds. Baseline: creating the guard.
/// </summary>
[MemoryDiagnoser]
public class SequenceGuardCreationBenchmarks
{
    private readonly EventSequenceGuardOptions _options = new() { ExpectedThreadId = "t1", ExpectedRunId = "r1" };
    private readonly RunStartedEvent _started = new() { ThreadId = "t1", RunId = "r1", ProtocolVersion = "1.0" };
    private readonly TextMessageStartEvent _start = new() { MessageId = "msg_01HZX3" };
    private readonly TextMessageContentEvent _content = new() { MessageId = "msg_01HZX3", Delta = "abcdefgh" };
    private readonly TextMessageEndEvent _end = new() { MessageId = "msg_01HZX3" };
    private readonly RunFinishedEvent _finished = new() { ThreadId = "t1", RunId = "r1" };

    [Benchmark(Baseline = true)]
    public EventSequenceGuard Create() => new(_options);

    [Benchmark]
    public EventSequenceGuard Create_RunStarted()
    {
        var guard = new EventSequenceGuard(_options);
        Expect(guard.Check(_started));
        return guard;
    }

    [Benchmark]
    public EventSequenceGuard Create_OneTextMessageRun()
    {
        var guard = new EventSequenceGuard(_options);
        Expect(guard.Check(_started));
        Expect(guard.Check(_start));
        Expect(guard.Check(_content));
        Expect(guard.Check(_end));
        Expect(guard.Check(_finished));
        Expect(guard.Complete());
        return guard;
    }

    private static void Expect(SequenceViolation? violation)
    {
        if (violation is not null)
        {
            throw new InvalidOperationException(violation.ToString());
        }
    }
}
