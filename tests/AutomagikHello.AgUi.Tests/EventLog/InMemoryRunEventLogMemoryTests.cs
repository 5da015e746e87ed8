using System.Text;
using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.Tests.EventLog;

/// <summary>How the in-memory log keeps events (as deltas, in segments it pools) and what its bounds count.</summary>
public sealed class InMemoryRunEventLogMemoryTests
{
    private static readonly byte[] Conversation = Encoding.UTF8.GetBytes("{\"messages\":[],\"state\":null}");

    private static RunLogKey Key(string runId) => new(new ThreadKey("agent", "alice", "t-" + runId), runId);

    private static RunLogStart Start(RunLogKey key) => new() { Key = key, StartedAt = DateTimeOffset.UtcNow, Conversation = Conversation };

    private static byte[] Content(int i) =>
        Encoding.UTF8.GetBytes($"{{\"type\":\"TEXT_MESSAGE_CONTENT\",\"messageId\":\"msg-0123456789abcdef\",\"delta\":\"token {i} \"}}");

    // An event sharing neither its first nor its last byte with the one before (when i differs by less than 26).
    private static byte[] Unlike(int i, int length) => Encoding.UTF8.GetBytes(new string((char)('a' + (i % 26)), length));

    // Events compared as text: FluentAssertions compares byte arrays element by element, slowly.
    private static string Base64(RunLogEntry entry) => Convert.ToBase64String(entry.Event.Span);

    private static List<RunLogEntry> Entries(long firstId, IEnumerable<byte[]> events, bool lastTerminal = false)
    {
        var entries = events.Select((json, i) => new RunLogEntry(firstId + i, json, false)).ToList();
        if (lastTerminal)
        {
            entries[^1] = entries[^1] with { IsTerminal = true };
        }

        return entries;
    }

    [Fact]
    public async Task Random_events_of_many_runs_read_back_byte_identical_from_every_id()
    {
        var random = new Random(13);
        // Small bounds, so finished runs are dropped and their segments reused by the runs still written.
        const long total = 1024 * 1024;
        var log = new InMemoryRunEventLog(new InMemoryRunEventLogOptions { MaxRuns = 6, MaxTotalBytes = total, MaxBytesPerRun = total / 2 });
        var written = new Dictionary<RunLogKey, List<byte[]>>();
        var open = new List<RunLogKey>();
        for (var step = 0; step < 600; step++)
        {
            if (open.Count < 4)
            {
                var key = Key("r" + step);
                (await log.CreateAsync(Start(key))).Should().BeTrue();
                written[key] = [];
                open.Add(key);
            }

            var run = open[random.Next(open.Count)];
            var events = written[run];
            var batch = Enumerable.Range(0, random.Next(1, 12)).Select(_ => RandomEvent(random, events.Count > 0 ? events[^1] : [])).ToList();
            await log.AppendAsync(run, Entries(events.Count + 1, batch));
            events.AddRange(batch);
            log.PooledBytes.Should().BeLessThanOrEqualTo(Math.Max(0, total - log.TotalBytes), "the pool and the runs stay within MaxTotalBytes");

            if (random.Next(10) == 0 || events.Count > 120)
            {
                var terminal = RandomEvent(random, events[^1]);
                await log.FinishAsync(run, terminal);
                events.Add(terminal);
                open.Remove(run);
                await ReadsBackFromEveryId(log, run, events, random);
            }
        }

        foreach (var run in open)
        {
            await ReadsBackFromEveryId(log, run, written[run], random);
        }
    }

    [Fact]
    public async Task The_bounds_count_the_segments_held_not_the_events_json()
    {
        // 1,000 content events are ~90 KB of JSON but some 10 KB as deltas: a run bounded at 16 KiB keeps them all.
        var log = new InMemoryRunEventLog(new InMemoryRunEventLogOptions { MaxBytesPerRun = 16 * 1024, MaxTotalBytes = 16 * 1024 });
        var key = Key("r");
        var events = Enumerable.Range(0, 1_000).Select(Content).ToList();
        events.Sum(e => e.Length).Should().BeGreaterThan(80_000);
        await log.CreateAndAppendAsync(Start(key), Entries(1, events.Take(1)));
        log.TotalBytes.Should().Be(Conversation.Length + 512, "the first segment is 512 bytes, however little of it is used");
        for (var i = 1; i < events.Count; i += 100)
        {
            await log.AppendAsync(key, Entries(i + 1, events.Skip(i).Take(100)));
        }

        log.TotalBytes.Should().BeLessThanOrEqualTo(16 * 1024);
        (await log.ReadAsync(key, 0, 2_000)).Entries.Select(Base64).Should().Equal(events.Select(Convert.ToBase64String));

        // An event too large for a full segment takes one of its own size: its record, 4 bytes of numbers and the JSON.
        var large = new InMemoryRunEventLog();
        await large.CreateAndAppendAsync(Start(key), Entries(1, [Unlike(0, 5_000)]));
        large.TotalBytes.Should().Be(Conversation.Length + 5_004);
    }

    [Fact]
    public async Task An_append_that_needs_a_segment_past_MaxBytesPerRun_is_refused_and_leaves_the_run_as_it_was()
    {
        // Events of 300 bytes sharing nothing: one fits the first segment (512), three the second (1,024); the fifth needs
        // a third (2,048), past the 2,000 bytes allowed, though its JSON and the four before come to 1,500.
        var log = new InMemoryRunEventLog(new InMemoryRunEventLogOptions { MaxBytesPerRun = 2_000, MaxTotalBytes = 2_000 });
        var key = Key("r");
        var events = Enumerable.Range(0, 5).Select(i => Unlike(i, 300)).ToList();
        await log.CreateAndAppendAsync(Start(key), Entries(1, events.Take(4)));
        log.TotalBytes.Should().Be(Conversation.Length + 512 + 1_024);

        await FluentActions.Awaiting(() => log.AppendAsync(key, Entries(5, events.Skip(4))).AsTask())
            .Should().ThrowAsync<InvalidOperationException>().WithMessage("*would exceed its bounds*");

        log.TotalBytes.Should().Be(Conversation.Length + 512 + 1_024);
        var read = await log.ReadAsync(key, 0, 10);
        read.LastId.Should().Be(4);
        read.Entries.Select(Base64).Should().Equal(events.Take(4).Select(Convert.ToBase64String));

        // The refused append took nothing: the next event, which fits the second segment's room, continues from 4.
        var small = Encoding.UTF8.GetBytes("{}");
        await log.AppendAsync(key, Entries(5, [small]));
        (await log.ReadAsync(key, 4, 10)).Entries.Select(Base64).Should().Equal(Convert.ToBase64String(small));
    }

    [Fact]
    public async Task A_dropped_runs_full_segments_are_pooled_and_reused_by_the_next_run()
    {
        var log = new InMemoryRunEventLog(new InMemoryRunEventLogOptions { MaxRuns = 1 });
        // Records of 1,004 bytes: the first in a segment of 1,024 (512 is too small), two in one of 2,048, then four
        // in each full segment (4,096): 25 of them.
        var events = Enumerable.Range(0, 100).Select(i => Unlike(i, 1_000)).ToList();
        await log.CreateAndAppendAsync(Start(Key("a")), Entries(1, events, lastTerminal: true));
        log.TotalBytes.Should().Be(Conversation.Length + 1_024 + 2_048 + (25 * 4_096));
        log.PooledBytes.Should().Be(0);

        // MaxRuns 1: creating the next run drops the first, whose full segments are kept.
        await log.CreateAsync(Start(Key("b")));
        log.PooledBytes.Should().Be(25 * 4_096);

        await log.AppendAsync(Key("b"), Entries(1, events));
        log.PooledBytes.Should().Be(0, "the second run's full segments are the first run's");
        log.TotalBytes.Should().Be(Conversation.Length + 1_024 + 2_048 + (25 * 4_096));
        (await log.ReadAsync(Key("b"), 0, 200)).Entries.Select(Base64).Should().Equal(events.Select(Convert.ToBase64String));
    }

    [Fact]
    public async Task The_pool_keeps_only_what_MaxTotalBytes_leaves_beside_the_runs_kept_and_makes_way_as_they_grow()
    {
        var log = new InMemoryRunEventLog(new InMemoryRunEventLogOptions { MaxBytesPerRun = 40 * 1024, MaxTotalBytes = 40 * 1024 });
        // Records of 1,004 bytes (see above): a keeps 25 events in 1,024 + 2,048 + 6 full segments, b 10 in 1,024 +
        // 2,048 + 2 full ones.
        var events = Enumerable.Range(0, 100).Select(i => Unlike(i, 1_000)).ToList();
        await log.CreateAndAppendAsync(Start(Key("a")), Entries(1, events.Take(25), lastTerminal: true));
        await log.CreateAndAppendAsync(Start(Key("b")), Entries(1, events.Take(10)));
        log.TotalBytes.Should().Be((2 * Conversation.Length) + (2 * (1_024 + 2_048)) + (8 * 4_096));

        // b grows by 5 full segments, past what a leaves: a is dropped, and of a's 6 full segments the pool keeps the
        // 2 that fit beside b (40,960 - 31,773 bytes).
        await log.AppendAsync(Key("b"), Entries(11, events.Skip(10).Take(20)));
        (await log.ReadAsync(Key("a"), 0, 10)).Status.Should().Be(RunLogStatus.Expired);
        log.TotalBytes.Should().Be(Conversation.Length + 1_024 + 2_048 + (7 * 4_096));
        log.PooledBytes.Should().Be(2 * 4_096);

        // A new run's conversation and its first (512-byte) segment are memory the pool did not give: it makes way.
        var conversation = new byte[4_000];
        await log.CreateAndAppendAsync(new RunLogStart { Key = Key("c"), StartedAt = DateTimeOffset.UtcNow, Conversation = conversation }, Entries(1, [Content(1)]));
        log.TotalBytes.Should().Be(Conversation.Length + 1_024 + 2_048 + (7 * 4_096) + conversation.Length + 512);
        (log.PooledBytes + log.TotalBytes).Should().BeLessThanOrEqualTo(40 * 1024, "the pool and the runs stay within MaxTotalBytes");
        log.PooledBytes.Should().Be(4_096, "one of the two kept segments had to go");
    }

    private static async Task ReadsBackFromEveryId(InMemoryRunEventLog log, RunLogKey run, List<byte[]> events, Random random)
    {
        for (var after = 0; after <= events.Count; after++)
        {
            var max = random.Next(1, events.Count + 2);
            var read = await log.ReadAsync(run, after, max);
            var expected = events.Skip(after).Take(max).ToList();
            read.Entries.Select(e => e.Id).Should().Equal(Enumerable.Range(after + 1, expected.Count).Select(i => (long)i));
            read.Entries.Select(Base64).Should().Equal(expected.Select(Convert.ToBase64String), "from id {0} of run {1}", after, run);
        }
    }

    // An event like a run's: mostly the one before with a changed middle, sometimes unrelated, sometimes larger than a segment.
    private static byte[] RandomEvent(Random random, byte[] previous)
    {
        switch (random.Next(8))
        {
            case 0:
                var unrelated = new byte[random.Next(0, 300)];
                random.NextBytes(unrelated);
                return unrelated;
            case 1:
                var large = new byte[random.Next(4_000, 10_000)];
                random.NextBytes(large);
                return large;
            default:
                var prefix = random.Next(0, previous.Length + 1);
                var suffix = random.Next(0, previous.Length - prefix + 1);
                var middle = new byte[random.Next(0, 40)];
                random.NextBytes(middle);
                return [.. previous.AsSpan(0, prefix), .. middle, .. previous.AsSpan(previous.Length - suffix)];
        }
    }
}
