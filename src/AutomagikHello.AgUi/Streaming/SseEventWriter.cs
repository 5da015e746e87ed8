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
    private readonly Utf8JsonWriter _json;

    /// <summary>Creates a writer that appends frames to <paramref name="output"/>.</summary>
    public SseEventWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _json = new Utf8JsonWriter(output, JsonOptions);
    }

    /// <summary>Points the writer at another output, so one writer (and its JSON writer) can be reused.</summary>
    public void Reset(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _json.Reset(output);
    }

    /// <summary>Writes one event as one SSE frame and returns the number of bytes written.</summary>
    public int WriteEvent(AgUiEvent agUiEvent)
    {
        ArgumentNullException.ThrowIfNull(agUiEvent);
        _output.Write(DataPrefix);
        _json.Reset();
        JsonSerializer.Serialize(_json, agUiEvent, AgUiJsonContext.Default.AgUiEvent);
        _json.Flush();
        _output.Write(EventEnd);
        return DataPrefix.Length + (int)_json.BytesCommitted + EventEnd.Length;
    }

    /// <summary>Writes the heartbeat comment <c>: ping\n\n</c> and returns the number of bytes written.</summary>
    public int WriteHeartbeat()
    {
        _output.Write(HeartbeatFrame);
        return HeartbeatFrame.Length;
    }

    /// <inheritdoc />
    public void Dispose() => _json.Dispose();
}
