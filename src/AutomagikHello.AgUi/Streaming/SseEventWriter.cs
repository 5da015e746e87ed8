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
    private static ReadOnlySpan<byte> IdPrefix => "id: "u8;
    private static ReadOnlySpan<byte> LineEnd => "\n"u8;
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
        var json = SerializeToScratch(agUiEvent);
        _output.Write(DataPrefix);
        var written = DataPrefix.Length + WriteJson(agUiEvent.EventType, json) + EventEnd.Length;
        _output.Write(EventEnd);
        ReleaseLargeScratch();
        return written;
    }

    /// <summary>
    /// Writes one event as one SSE frame carrying an id, <c>id: &lt;id&gt;\n</c> then <c>data: &lt;json&gt;\n\n</c>, and
    /// tells where its JSON sits in the frame: an event log can keep that slice of the frame instead of serializing the
    /// event again. The frame is byte for byte <see cref="WriteFrame"/> of <see cref="WriteEventJson"/>'s JSON.
    /// </summary>
    /// <param name="id">The event's id, 0 or more.</param>
    /// <param name="agUiEvent">The event.</param>
    /// <param name="jsonStart">Where the event's JSON begins, counted from the frame's first byte.</param>
    /// <param name="jsonLength">The length of the event's JSON (the bytes <see cref="WriteEventJson"/> writes).</param>
    /// <returns>The number of bytes written (the whole frame).</returns>
    public int WriteEvent(long id, AgUiEvent agUiEvent, out int jsonStart, out int jsonLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        var json = SerializeToScratch(agUiEvent);
        jsonStart = WriteIdAndDataPrefix(id);
        jsonLength = WriteJson(agUiEvent.EventType, json);
        _output.Write(EventEnd);
        ReleaseLargeScratch();
        return jsonStart + jsonLength + EventEnd.Length;
    }

    /// <summary>
    /// Writes one event's JSON alone, no SSE framing: the same bytes <see cref="WriteEvent(AgUiEvent)"/> puts on the
    /// <c>data:</c> line (an event log keeps them, then <see cref="WriteFrame"/> sends them again unchanged).
    /// </summary>
    /// <returns>The number of bytes written.</returns>
    public int WriteEventJson(AgUiEvent agUiEvent)
    {
        var written = WriteJson(agUiEvent.EventType, SerializeToScratch(agUiEvent));
        ReleaseLargeScratch();
        return written;
    }

    /// <summary>
    /// Writes one SSE frame carrying an id, <c>id: &lt;id&gt;\n</c> then <c>data: &lt;json&gt;\n\n</c>, for an event whose
    /// JSON <see cref="WriteEventJson"/> wrote: a stream sent again from a log is byte for byte the one first sent.
    /// </summary>
    /// <returns>The number of bytes written.</returns>
    public int WriteFrame(long id, ReadOnlySpan<byte> eventJson)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(id);
        var prefixLength = WriteIdAndDataPrefix(id);
        _output.Write(eventJson);
        _output.Write(EventEnd);
        return prefixLength + eventJson.Length + EventEnd.Length;
    }

    /// <summary>Writes <c>id: &lt;id&gt;\ndata: </c> in one buffer request (a logged stream writes it per event); returns the bytes written.</summary>
    private int WriteIdAndDataPrefix(long id)
    {
        var span = _output.GetSpan(MaxIdAndDataPrefixBytes);
        IdPrefix.CopyTo(span);
        id.TryFormat(span[IdPrefix.Length..], out var digits, provider: System.Globalization.CultureInfo.InvariantCulture);
        var length = IdPrefix.Length + digits;
        LineEnd.CopyTo(span[length..]);
        length += LineEnd.Length;
        DataPrefix.CopyTo(span[length..]);
        length += DataPrefix.Length;
        _output.Advance(length);
        return length;
    }

    // "id: " + at most 19 digits (a long, never negative here) + "\n" + "data: ".
    private const int MaxIdAndDataPrefixBytes = 4 + 19 + 1 + 6;

    /// <summary>Serializes the concrete event into the scratch buffer and returns its JSON.</summary>
    private ReadOnlySpan<byte> SerializeToScratch(AgUiEvent agUiEvent)
    {
        ArgumentNullException.ThrowIfNull(agUiEvent);
        _scratch.ResetWrittenCount();
        _json.Reset();
        JsonSerializer.Serialize(_json, agUiEvent, EventTypeTable.TypeInfo(agUiEvent.EventType));
        _json.Flush();
        return _scratch.WrittenSpan;
    }

    /// <summary>Writes the event's JSON with its <c>type</c> discriminator first; returns the bytes written.</summary>
    private int WriteJson(AgUiEventType type, ReadOnlySpan<byte> concrete)
    {
        // {"type":"NAME" then the concrete object without its opening brace ("}" alone when it is empty).
        var body = concrete[1..];
        var name = EventTypeTable.Utf8WireName(type);
        _output.Write(TypeProperty);
        _output.Write(name);
        _output.Write(body.Length > 1 ? "\","u8 : "\""u8);
        _output.Write(body);
        return TypeProperty.Length + name.Length + (body.Length > 1 ? 2 : 1) + body.Length;
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
