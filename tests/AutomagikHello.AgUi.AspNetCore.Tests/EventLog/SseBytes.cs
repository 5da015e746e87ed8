using System.Text;

namespace AutomagikHello.AgUi.AspNetCore.Tests.EventLog;

/// <summary>Raw SSE bodies as bytes: frames, heartbeats and the last id a (possibly cut) prefix holds.</summary>
internal static class SseBytes
{
    private static readonly byte[] Heartbeat = ": ping\n\n"u8.ToArray();
    private static readonly byte[] FrameEnd = "\n\n"u8.ToArray();

    /// <summary>The body without heartbeat comment frames.</summary>
    public static byte[] WithoutHeartbeats(ReadOnlySpan<byte> body)
    {
        var kept = new List<byte>(body.Length);
        foreach (var frame in Frames(body))
        {
            if (!frame.AsSpan().SequenceEqual(Heartbeat))
            {
                kept.AddRange(frame);
            }
        }

        return [.. kept];
    }

    /// <summary>The complete frames of <paramref name="body"/> (each with its blank line); a cut last frame is left out.</summary>
    public static List<byte[]> Frames(ReadOnlySpan<byte> body)
    {
        var frames = new List<byte[]>();
        while (body.IndexOf(FrameEnd) is var end and >= 0)
        {
            frames.Add(body[..(end + 2)].ToArray());
            body = body[(end + 2)..];
        }

        return frames;
    }

    /// <summary>The id of a frame (<c>id: N</c> first line), or null.</summary>
    public static long? IdOf(byte[] frame)
    {
        var text = Encoding.UTF8.GetString(frame);
        return text.StartsWith("id: ", StringComparison.Ordinal) ? long.Parse(text[4..text.IndexOf('\n', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>What a client that received <paramref name="prefix"/> keeps (its complete frames, no heartbeat) and the last id among them (0 if none).</summary>
    public static (byte[] Kept, long LastId) Received(ReadOnlySpan<byte> prefix)
    {
        var kept = new List<byte>();
        long lastId = 0;
        foreach (var frame in Frames(prefix))
        {
            if (IdOf(frame) is { } id)
            {
                kept.AddRange(frame);
                lastId = id;
            }
        }

        return ([.. kept], lastId);
    }
}
