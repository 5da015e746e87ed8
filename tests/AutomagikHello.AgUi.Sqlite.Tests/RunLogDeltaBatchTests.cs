using System.Text;
using AutomagikHello.AgUi.EventLog;

namespace AutomagikHello.AgUi.Sqlite.Tests;

/// <summary>The SQLite log's event layout: each event as what differs from the one before, rebuilt byte for byte.</summary>
public sealed class RunLogDeltaBatchTests
{
    [Fact]
    public void Decode_EventsSharingStartsAndEnds_RebuildsEveryByteAndMarksTheTerminal()
    {
        string[] events =
        [
            """{"type":"TEXT_MESSAGE_CONTENT","messageId":"m1","delta":"Hel"}""",
            """{"type":"TEXT_MESSAGE_CONTENT","messageId":"m1","delta":"lo"}""",
            """{"type":"TEXT_MESSAGE_CONTENT","messageId":"m1","delta":"lo"}""", // the same event again
            "",
            "abcab",
            "ab", // shares "ab" with both the start and the end of "abcab": counted once
            """{"type":"RUN_FINISHED","é":"ü"}""",
        ];
        var batch = RunLogDeltaBatch.Encode(Entries(10, events));

        var all = new List<RunLogEntry>();
        RunLogDeltaBatch.Decode(10, batch, 0, long.MaxValue, 16, all);

        all.Select(e => e.Id).Should().Equal(10, 11, 12, 13, 14, 15, 16);
        all.Select(e => Encoding.UTF8.GetString(e.Event.Span)).Should().Equal(events);
        all.Select(e => e.IsTerminal).Should().Equal(false, false, false, false, false, false, true);
        var middle = new List<RunLogEntry>();
        RunLogDeltaBatch.Decode(10, batch, 11, 13, 0, middle);
        middle.Select(e => Encoding.UTF8.GetString(e.Event.Span)).Should().Equal(events[2], events[3]);
    }

    [Fact]
    public void Encode_TextMessageRun_KeepsLittleMoreThanTheDeltas()
    {
        var messageId = Guid.NewGuid().ToString("N");
        var events = Enumerable.Range(0, 100).Select(i => $$"""{"type":"TEXT_MESSAGE_CONTENT","messageId":"{{messageId}}","delta":"token{{i}} "}""").ToArray();
        var json = events.Sum(e => Encoding.UTF8.GetByteCount(e));

        var batch = RunLogDeltaBatch.Encode(Entries(1, events));

        json.Should().BeGreaterThan(8_000);
        batch.Length.Should().BeLessThan(1_200, "each event keeps its delta's few differing bytes and three one-byte numbers");
    }

    [Fact]
    public void Decode_RandomEvents_RebuildsEveryByte()
    {
        // Few distinct bytes, so events share starts and ends in every combination.
        var random = new Random(13);
        for (var round = 0; round < 500; round++)
        {
            var events = Enumerable.Range(0, random.Next(1, 12))
                .Select(_ => Enumerable.Range(0, random.Next(0, 300)).Select(_ => (byte)"ab{"[random.Next(3)]).ToArray())
                .ToArray();
            var entries = events.Select((e, i) => new RunLogEntry(i + 1, e, false)).ToList();

            var decoded = new List<RunLogEntry>();
            RunLogDeltaBatch.Decode(1, RunLogDeltaBatch.Encode(entries), 0, long.MaxValue, 0, decoded);

            decoded.Select(e => e.Event.ToArray()).Should().BeEquivalentTo(events, o => o.WithStrictOrdering(), $"round {round}");
        }
    }

    [Fact]
    public void Decode_CutAnywhere_IsAFormatError()
    {
        var batch = RunLogDeltaBatch.Encode(Entries(1, ["""{"n":1}""", """{"n":2}""", """{"n":33}"""]));

        for (var keep = 0; keep < batch.Length; keep++)
        {
            var cut = batch[..keep];
            var decode = () => RunLogDeltaBatch.Decode(1, cut, 0, long.MaxValue, 0, new List<RunLogEntry>());
            decode.Should().Throw<FormatException>($"cut to {keep} of {batch.Length} bytes");
        }
    }

    [Fact]
    public void Decode_SharingMoreThanTheEventBefore_IsAFormatError()
    {
        // Total 4; the first event "ab"; the second claims 3 bytes of the first's start.
        byte[] batch = [4, 0, 0, 2, (byte)'a', (byte)'b', 3, 0, 0];

        var decode = () => RunLogDeltaBatch.Decode(1, batch, 0, long.MaxValue, 0, new List<RunLogEntry>());

        decode.Should().Throw<FormatException>();
    }

    private static List<RunLogEntry> Entries(long firstId, IEnumerable<string> events) =>
        events.Select((e, i) => new RunLogEntry(firstId + i, Encoding.UTF8.GetBytes(e), false)).ToList();
}
