namespace AutomagikHello.AgUi.EventLog;

/// <summary>
/// One event stored as what differs from the event before it, as the in-memory and SQLite logs keep a run's events: a
/// run's events repeat each other (a text message's content events differ only in their delta, after some 70 bytes of
/// type and message id), so a record is a few bytes where the event is a hundred.
/// </summary>
/// <remarks>
/// A record is three numbers and some bytes: how many bytes the event shares with the start of the event before it,
/// how many with that event's end (the two never overlap in either event), and the bytes between them, as their count
/// and themselves. Numbers are unsigned LEB128 (7 bits a byte, low first). A record against no event (an empty one) is
/// the whole event. Decoding rebuilds the event byte for byte. The SQLite log's rows are in this layout
/// (<c>run_events.layout</c> 1): changing it changes what is on disk.
/// </remarks>
internal static class RunLogDelta
{
    /// <summary>The most bytes one number takes.</summary>
    public const int MaxNumberBytes = 5;

    /// <summary>The most bytes a record of an event of <paramref name="jsonLength"/> bytes takes.</summary>
    public static int MaxRecordLength(int jsonLength) => checked((3 * MaxNumberBytes) + jsonLength);

    /// <summary>How many bytes <paramref name="json"/> shares with the start and with the end of <paramref name="previous"/>.</summary>
    public static (int Prefix, int Suffix) Compare(ReadOnlySpan<byte> previous, ReadOnlySpan<byte> json)
    {
        var prefix = json.CommonPrefixLength(previous);
        return (prefix, CommonSuffixLength(json[prefix..], previous[prefix..]));
    }

    /// <summary>How many bytes the record of an event of <paramref name="jsonLength"/> bytes sharing <paramref name="prefix"/> and <paramref name="suffix"/> takes.</summary>
    public static int RecordLength(int jsonLength, int prefix, int suffix)
    {
        var middle = jsonLength - prefix - suffix;
        return NumberLength(prefix) + NumberLength(suffix) + NumberLength(middle) + middle;
    }

    /// <summary>Writes the record of <paramref name="json"/> at <paramref name="at"/>; returns where it ends.</summary>
    public static int WriteRecord(Span<byte> destination, int at, ReadOnlySpan<byte> json, int prefix, int suffix)
    {
        var middle = json[prefix..^suffix];
        at = WriteNumber(destination, at, prefix);
        at = WriteNumber(destination, at, suffix);
        at = WriteNumber(destination, at, middle.Length);
        middle.CopyTo(destination[at..]);
        return at + middle.Length;
    }

    /// <summary>
    /// Reads the record at <paramref name="at"/> (moved past its numbers, not its middle bytes, which start there);
    /// false when the bytes are cut or a number is out of range.
    /// </summary>
    public static bool TryReadRecord(ReadOnlySpan<byte> bytes, ref int at, out int prefix, out int suffix, out int middle)
    {
        suffix = middle = 0;
        return TryReadNumber(bytes, ref at, out prefix)
            && TryReadNumber(bytes, ref at, out suffix)
            && TryReadNumber(bytes, ref at, out middle)
            && middle <= bytes.Length - at;
    }

    /// <summary>Writes <paramref name="value"/> (not negative) at <paramref name="at"/>; returns where it ends.</summary>
    public static int WriteNumber(Span<byte> destination, int at, int value)
    {
        var v = (uint)value;
        while (v >= 0x80)
        {
            destination[at++] = (byte)(v | 0x80);
            v >>= 7;
        }

        destination[at++] = (byte)v;
        return at;
    }

    /// <summary>Reads the number at <paramref name="at"/>, moving past it; false when cut or above <see cref="int.MaxValue"/>.</summary>
    public static bool TryReadNumber(ReadOnlySpan<byte> bytes, ref int at, out int value)
    {
        uint read = 0;
        for (var shift = 0; shift < 35 && at < bytes.Length; shift += 7)
        {
            var b = bytes[at++];
            read |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                value = (int)read;
                return read <= int.MaxValue;
            }
        }

        value = 0;
        return false;
    }

    private static int NumberLength(int value)
    {
        var length = 1;
        for (var v = (uint)value; v >= 0x80; v >>= 7)
        {
            length++;
        }

        return length;
    }

    private static int CommonSuffixLength(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var n = 0;
        var max = Math.Min(a.Length, b.Length);
        while (n < max && a[a.Length - 1 - n] == b[b.Length - 1 - n])
        {
            n++;
        }

        return n;
    }
}
