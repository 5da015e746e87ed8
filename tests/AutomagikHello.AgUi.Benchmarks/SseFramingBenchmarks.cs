using System.Buffers;
using System.Text.Json;
using AutomagikHello.AgUi.Serialization;
using AutomagikHello.AgUi.Streaming;
using BenchmarkDotNet.Attributes;

namespace AutomagikHello.AgUi.Benchmarks;

/// <summary>
/// Serialize + frame one event. Baseline: the obvious approach (serialize to a fresh byte array, then copy
/// into the output between the SSE prefix and terminator).
/// </summary>
[MemoryDiagnoser]
public class SseFramingBenchmarks : IDisposable
{
    private readonly ArrayBufferWriter<byte> _output = new(64 * 1024);
    private SseEventWriter _writer = null!;
    private TextMessageContentEvent _content = null!;
    private RunFinishedEvent _finished = null!;

    [GlobalSetup]
    public void Setup()
    {
        _writer = new SseEventWriter(_output);
        // ~100 bytes of JSON: {"type":"TEXT_MESSAGE_CONTENT","messageId":"msg_01HZX3","delta":"…"}
        _content = new TextMessageContentEvent { MessageId = "msg_01HZX3", Delta = "The quick brown fox jumps over the lazy dog." };
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"approved":{"type":"boolean"},"editedArgs":{"type":"object"}},"required":["approved"]}""").RootElement;
        _finished = new RunFinishedEvent
        {
            ThreadId = "thread-42",
            RunId = "run-7",
            Outcome = new InterruptOutcome
            {
                Interrupts =
                [
                    new Interrupt { Id = "int-1", Reason = InterruptReasons.ToolCall, ToolCallId = "call-1", Message = "Send this email?", ResponseSchema = schema },
                    new Interrupt { Id = "int-2", Reason = InterruptReasons.ToolCall, ToolCallId = "call-2", Message = "Send this email too?", ResponseSchema = schema, ExpiresAt = "2026-11-25T12:00:00Z" },
                ],
            },
        };
    }

    public void Dispose()
    {
        _writer.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public int TextContent_SerializeToBytesThenCopy() => SerializeToBytesThenCopy(_content);

    [Benchmark]
    public int TextContent_SseEventWriter()
    {
        _output.ResetWrittenCount();
        return _writer.WriteEvent(_content);
    }

    [Benchmark]
    public int RunFinishedTwoInterrupts_SerializeToBytesThenCopy() => SerializeToBytesThenCopy(_finished);

    [Benchmark]
    public int RunFinishedTwoInterrupts_SseEventWriter()
    {
        _output.ResetWrittenCount();
        return _writer.WriteEvent(_finished);
    }

    private int SerializeToBytesThenCopy(AgUiEvent agUiEvent)
    {
        _output.ResetWrittenCount();
        var json = JsonSerializer.SerializeToUtf8Bytes(agUiEvent, AgUiJsonContext.Default.AgUiEvent);
        _output.Write("data: "u8);
        _output.Write(json);
        _output.Write("\n\n"u8);
        return _output.WrittenCount;
    }
}
