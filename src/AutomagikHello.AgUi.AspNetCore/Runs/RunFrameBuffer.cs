using System.Buffers;
using AutomagikHello.AgUi.Streaming;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// Where a <see cref="RunStreamWriter"/> frames a batch of events before it hands the batch to the response in one
/// write: an <see cref="SseEventWriter"/> over a growable buffer. Writing each frame straight into the server's
/// response writer costs several buffer requests per event (Kestrel takes a lock for each); one copy per flush is
/// cheaper. Cached two per thread (a logged stream frames its batch in the log sink's, a heartbeat in the live sink's) and
/// held by a stream only while it writes, so an idle stream holds none.
/// </summary>
internal sealed class RunFrameBuffer : IDisposable
{
    private const int InitialBytes = 4 * 1024;

    // A burst can grow the buffer to the flush threshold; a much larger one (a huge event) is not kept.
    private const int RetainedBytes = 64 * 1024;

    [ThreadStatic]
    private static RunFrameBuffer? ThreadCached;

    [ThreadStatic]
    private static RunFrameBuffer? ThreadCachedSecond;

    private ArrayBufferWriter<byte> _buffer;

    private RunFrameBuffer()
    {
        _buffer = new ArrayBufferWriter<byte>(InitialBytes);
        Sse = new SseEventWriter(_buffer);
    }

    /// <summary>Frames events into this buffer.</summary>
    public SseEventWriter Sse { get; }

    /// <summary>The frames written since the buffer was taken.</summary>
    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    /// <summary>The frames written since the buffer was taken, as memory (valid until the next write or the return).</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.WrittenMemory;

    /// <summary>Takes this thread's cached buffer, or a new one.</summary>
    public static RunFrameBuffer Rent()
    {
        if (ThreadCached is { } buffer)
        {
            ThreadCached = null;
            return buffer;
        }

        if (ThreadCachedSecond is { } second)
        {
            ThreadCachedSecond = null;
            return second;
        }

        return new RunFrameBuffer();
    }

    /// <summary>Empties <paramref name="buffer"/> and caches it on this thread (or drops it when two are cached).</summary>
    public static void Return(RunFrameBuffer buffer)
    {
        if (buffer._buffer.Capacity > RetainedBytes)
        {
            buffer._buffer = new ArrayBufferWriter<byte>(InitialBytes);
            buffer.Sse.Reset(buffer._buffer);
        }
        else
        {
            buffer._buffer.ResetWrittenCount();
        }

        if (ThreadCached is null)
        {
            ThreadCached = buffer;
        }
        else if (ThreadCachedSecond is null)
        {
            ThreadCachedSecond = buffer;
        }
        else
        {
            buffer.Dispose();
        }
    }

    public void Dispose() => Sse.Dispose();
}
