using AutomagikHello.AgUi.Sequencing;
using BenchmarkDotNet.Attributes;

namespace AutomagikHello.AgUi.Benchmarks;

/// <summary>
/// One guard step on the hottest event, a TEXT_MESSAGE_CONTENT for an open message. Baseline: serializing and
/// framing the same event, the work the guard rides along with on every emitted event.
/// </summary>
[MemoryDiagnoser]
public class SequenceGuardBenchmarks : IDisposable
{
    private EventSequenceGuard _guard = null!;
    private TextMessageContentEvent _content = null!;
    private ToolCallArgsEvent _args = null!;
    private Streaming.SseEventWriter _writer = null!;
    private readonly System.Buffers.ArrayBufferWriter<byte> _output = new(4096);

    [GlobalSetup]
    public void Setup()
    {
        _guard = new EventSequenceGuard(new EventSequenceGuardOptions { ExpectedThreadId = "t1", ExpectedRunId = "r1" });
        Expect(_guard.Check(new RunStartedEvent { ThreadId = "t1", RunId = "r1", ProtocolVersion = "1.0" }));
        Expect(_guard.Check(new TextMessageStartEvent { MessageId = "msg_01HZX3" }));
        Expect(_guard.Check(new ToolCallStartEvent { ToolCallId = "call-1", ToolCallName = "search" }));
        _content = new TextMessageContentEvent { MessageId = "msg_01HZX3", Delta = "The quick brown fox jumps over the lazy dog." };
        _args = new ToolCallArgsEvent { ToolCallId = "call-1", Delta = "{\"q\":" };
        _writer = new Streaming.SseEventWriter(_output);
    }

    public void Dispose()
    {
        _writer.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public int SerializeAndFrame_TextContent()
    {
        _output.ResetWrittenCount();
        return _writer.WriteEvent(_content);
    }

    [Benchmark]
    public SequenceViolation? GuardStep_TextContent() => _guard.Check(_content);

    [Benchmark]
    public SequenceViolation? GuardStep_ToolCallArgs() => _guard.Check(_args);

    private static void Expect(SequenceViolation? violation)
    {
        if (violation is not null)
        {
            throw new InvalidOperationException(violation.ToString());
        }
    }
}
