using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using AutomagikHello.AgUi.Serialization;

namespace AutomagikHello.AgUi.Streaming;

/// <summary>
/// Frames AG-UI events as Server-Sent Events, <c>data: &lt;json&gt;\n\n</c> with LF only, straight into an
/// <see cref="IBufferWriter{T}"/> (a <c>PipeWriter</c> works) through one reused <see cref="Utf8JsonWriter"/>.
/// Nothing is allocated per event. Not thread-safe: one writer per response.
/// </summary>
public sealed class SseEventWriter : IDisposable
{
    private static ReadOnlySpan<byte> DataPrefix => "data: "u8;
    private static ReadOnlySpan<byte> TypeProperty => "{\"type\":\""u8;
    private static ReadOnlySpan<byte> EventEnd => "\n\n"u8;
    private static ReadOnlySpan<byte> HeartbeatFrame => ": ping\n\n"u8;

    // Non-ASCII text stays UTF-8 (smaller, faster); control characters, CR and LF included, are still escaped,
    // so an event's JSON can never break its SSE line.
    private static readonly JsonWriterOptions JsonOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private IBufferWriter<byte> _output;

    // The concrete event is serialized into this scratch buffer, then spliced after the discriminator.
    private const int RetainedScratchBytes = 64 * 1024;
    private ArrayBufferWriter<byte> _scratch = new(1024);
    private readonly Utf8JsonWriter _json;

    /// <summary>Creates a writer that appends frames to <paramref name="output"/>.</summary>
    public SseEventWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _json = new Utf8JsonWriter(_scratch, JsonOptions);
    }

    /// <summary>Points the writer at another output, so one writer (and its JSON writer) can be reused.</summary>
    public void Reset(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    /// <summary>
    /// Writes one event as one SSE frame, the <c>type</c> discriminator first, and returns the number of bytes written.
    /// </summary>
    public int WriteEvent(AgUiEvent agUiEvent)
    {
        ArgumentNullException.ThrowIfNull(agUiEvent);
        var type = agUiEvent.EventType;
        _scratch.ResetWrittenCount();
        _json.Reset();
        JsonSerializer.Serialize(_json, agUiEvent, EventTypeTable.TypeInfo(type));
        _json.Flush();

        // {"type":"NAME" then the concrete object without its opening brace ("}" alone when it is empty).
        var body = _scratch.WrittenSpan[1..];
        var name = EventTypeTable.Utf8WireName(type);
        _output.Write(DataPrefix);
        _output.Write(TypeProperty);
        _output.Write(name);
        _output.Write(body.Length > 1 ? "\","u8 : "\""u8);
        _output.Write(body);
        _output.Write(EventEnd);
        var written = DataPrefix.Length + TypeProperty.Length + name.Length + (body.Length > 1 ? 2 : 1) + body.Length + EventEnd.Length;
        ReleaseLargeScratch();
        return written;
    }

    /// <summary>Writes the heartbeat comment <c>: ping\n\n</c> and returns the number of bytes written.</summary>
    public int WriteHeartbeat()
    {
        _output.Write(HeartbeatFrame);
        return HeartbeatFrame.Length;
    }

    // One huge event (a 1 MB delta) must not pin its buffer for the rest of a long stream.
    private void ReleaseLargeScratch()
    {
        if (_scratch.Capacity > RetainedScratchBytes)
        {
            _scratch = new ArrayBufferWriter<byte>(1024);
            _json.Reset(_scratch);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _json.Dispose();
}
