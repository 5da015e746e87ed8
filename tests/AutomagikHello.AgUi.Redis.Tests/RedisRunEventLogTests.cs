using System.Text;
using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.Redis.Tests;

/// <summary>What the Redis run event log adds to the contract: tailing across instances, its keys and TTLs, the per-run bound, outages.</summary>
public sealed class RedisRunEventLogTests : IDisposable
{
    private static readonly ThreadKey Thread = new("chat", "alice:x", "thread \"1\"");

    private readonly RedisTestKeys _keys = new();

    public void Dispose() => _keys.Dispose();

    [RedisFact]
    public async Task TwoInstances_AReaderOnBTailsARunAppendedOnA_EveryEventOnceInOrder()
    {
        // B checks Redis itself only every 10 s, and A sends each batch only once B has read the one before: without the
        // announcement on the channel the ten batches would take 100 s, far beyond the 30 s allowed.
        var options = Options(o => o.RunLogPollInterval = TimeSpan.FromSeconds(10));
        using var connectionA = RedisTestEnvironment.Connect();
        using var connectionB = RedisTestEnvironment.Connect();
        await using var instanceA = new RedisRunEventLog(connectionA, options);
        await using var instanceB = new RedisRunEventLog(connectionB, options);
        var key = new RunLogKey(Thread, "run-1");
        await instanceA.CreateAsync(new RunLogStart { Key = key, StartedAt = DateTimeOffset.UtcNow, Conversation = "{\"messages\":[]}"u8.ToArray() });
        using var readBatch = new SemaphoreSlim(0);

        var tail = Task.Run(async () =>
        {
            var seen = new List<RunLogEntry>();
            long after = 0;
            while (true)
            {
                var read = await instanceB.ReadAsync(key, after, 7);
                seen.AddRange(read.Entries);
                after = read.Entries.Count > 0 ? read.Entries[^1].Id : after;
                if (after % 10 == 0 && read.Entries.Count > 0)
                {
                    readBatch.Release();
                }

                if (read.Status != RunLogStatus.Open && after == read.LastId)
                {
                    return (seen, read.Status);
                }

                if (after == read.LastId)
                {
                    await instanceB.WaitAsync(key, after, TimeSpan.FromMinutes(1));
                }
            }
        });
        var write = Task.Run(async () =>
        {
            for (var batch = 0; batch < 10; batch++)
            {
                if (batch > 0)
                {
                    await readBatch.WaitAsync();
                }

                await instanceA.AppendAsync(key, [.. Enumerable.Range(batch * 10 + 1, 10).Select(i => Entry(i, terminal: i == 100))]);
            }
        });

        await Task.WhenAll(write, tail).WaitAsync(TimeSpan.FromSeconds(30));
        var (entries, status) = await tail;

        status.Should().Be(RunLogStatus.Finished);
        entries.Select(e => e.Id).Should().Equal(Enumerable.Range(1, 100).Select(i => (long)i));
        entries.Select(e => Encoding.UTF8.GetString(e.Event.Span)).Should().Equal(Enumerable.Range(1, 100).Select(i => Event(i)));
        entries.Count(e => e.IsTerminal).Should().Be(1);
    }

    [RedisFact]
    public async Task Keys_OneStreamEntryPerAppend_IdItsLastEvent_AndTtlsFollowTheRunsStart()
    {
        var options = Options();
        var log = new RedisRunEventLog(RedisTestEnvironment.Shared, options);
        var key = new RunLogKey(Thread, "run:1");
        var started = DateTimeOffset.UtcNow.AddMinutes(-10);
        await log.CreateAsync(new RunLogStart { Key = key, StartedAt = started, Conversation = "{}"u8.ToArray() });
        await log.AppendAsync(key, [Entry(1), Entry(2)]);
        await log.AppendAsync(key, [Entry(3)]);

        var database = RedisTestEnvironment.Shared.GetDatabase();
        var state = RedisKeys.RunLog(options.KeyPrefix, key);
        var stream = await database.StreamRangeAsync(state + ":e");
        stream.Select(e => e.Id.ToString()).Should().Equal("0-2", "0-3");
        var first = new List<RunLogEntry>();
        RunLogBatch.Decode(1, (byte[])stream[0]["b"]!, 0, 2, 0, first);
        first.Select(e => Encoding.UTF8.GetString(e.Event.Span)).Should().Equal(Encoding.UTF8.GetString(Entry(1).Event.Span), Encoding.UTF8.GetString(Entry(2).Event.Span));
        var expires = (started + options.RunLogRetention).ToUnixTimeMilliseconds();
        ((long)await database.ExecuteAsync("PEXPIRETIME", state + ":e")).Should().Be(expires);
        ((long)await database.ExecuteAsync("PEXPIRETIME", state + ":c")).Should().Be(expires);
        ((long)await database.ExecuteAsync("PEXPIRETIME", state)).Should().Be(expires + (long)options.ExpiredRunMemory.TotalMilliseconds);
        ((long)await database.ExecuteAsync("PEXPIRETIME", RedisKeys.LatestRun(options.KeyPrefix, Thread))).Should().Be(expires);
    }

    [RedisFact]
    public async Task Read_PagesAcrossAppends_CuttingBatchesAtBothEnds()
    {
        var log = new RedisRunEventLog(RedisTestEnvironment.Shared, Options());
        var key = new RunLogKey(Thread, "pages");
        await log.CreateAsync(new RunLogStart { Key = key, StartedAt = DateTimeOffset.UtcNow, Conversation = "{}"u8.ToArray() });
        await log.AppendAsync(key, [Entry(1), Entry(2), Entry(3), Entry(4), Entry(5)]);
        await log.AppendAsync(key, [Entry(6)]);
        await log.AppendAsync(key, [Entry(7), Entry(8), Entry(9)]);

        foreach (var (after, max, expected) in new[] { (0L, 2, new long[] { 1, 2 }), (3, 4, [4, 5, 6, 7]), (5, 1, [6]), (6, 100, [7, 8, 9]), (2, 3, [3, 4, 5]), (8, 5, [9]), (9, 5, []) })
        {
            var read = await log.ReadAsync(key, after, max);
            read.Entries.Select(e => e.Id).Should().Equal(expected, $"after {after}, at most {max}");
            foreach (var entry in read.Entries)
            {
                entry.Event.ToArray().Should().Equal(Entry(entry.Id).Event.ToArray());
                entry.IsTerminal.Should().BeFalse();
            }

            read.LastId.Should().Be(9);
        }
    }

    [RedisFact]
    public async Task Append_BeyondTheRunsMaxEvents_DropsTheLogWhole()
    {
        var log = new RedisRunEventLog(RedisTestEnvironment.Shared, Options(o => o.RunLogMaxEvents = 5));
        var key = new RunLogKey(Thread, "big");
        await log.CreateAsync(new RunLogStart { Key = key, StartedAt = DateTimeOffset.UtcNow, Conversation = "{}"u8.ToArray() });
        await log.AppendAsync(key, [Entry(1), Entry(2), Entry(3), Entry(4), Entry(5)]);

        var append = async () => await log.AppendAsync(key, [Entry(6)]);

        (await append.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain("retention");
        (await log.ReadAsync(key, 0, 10)).Status.Should().Be(RunLogStatus.Expired);
        (await log.FinishAsync(key, "{}"u8.ToArray())).Should().BeNull();
        (await log.GetLatestRunAsync(Thread)).Should().BeNull();
    }

    [RedisFact]
    public async Task Append_BeyondTheRunsMaxBytes_DropsTheLogWhole()
    {
        var log = new RedisRunEventLog(RedisTestEnvironment.Shared, Options(o => o.RunLogMaxBytes = 2048));
        var key = new RunLogKey(Thread, "big");
        await log.CreateAsync(new RunLogStart { Key = key, StartedAt = DateTimeOffset.UtcNow, Conversation = "{}"u8.ToArray() });
        await log.AppendAsync(key, [new RunLogEntry(1, new byte[2000], false)]);

        var append = async () => await log.AppendAsync(key, [new RunLogEntry(2, new byte[100], false)]);

        await append.Should().ThrowAsync<InvalidOperationException>();
        (await log.ReadAsync(key, 0, 10)).Status.Should().Be(RunLogStatus.Expired);
    }

    [RedisTheory]
    [InlineData("conversation")]
    [InlineData("events")]
    [InlineData("bytes")]
    public async Task CreateAndAppend_FirstWritePastTheRunsBounds_ReadsExpiredAndTheThreadHasNoLatestRun(string past)
    {
        var log = new RedisRunEventLog(RedisTestEnvironment.Shared, Options(o => { o.RunLogMaxBytes = 2048; o.RunLogMaxEvents = 3; }));
        var older = new RunLogKey(Thread, "older");
        await log.CreateAndAppendAsync(new RunLogStart { Key = older, StartedAt = DateTimeOffset.UtcNow, Conversation = "{}"u8.ToArray() }, [Entry(1), new RunLogEntry(2, "{}"u8.ToArray(), true)]);
        var key = new RunLogKey(Thread, "newest");
        var conversation = past == "conversation" ? new byte[3000] : "{}"u8.ToArray();
        IReadOnlyList<RunLogEntry> entries = past switch
        {
            "events" => [Entry(1), Entry(2), Entry(3), Entry(4)],
            "bytes" => [new RunLogEntry(1, new byte[3000], false)],
            _ => [Entry(1)],
        };

        var create = async () => await log.CreateAndAppendAsync(new RunLogStart { Key = key, StartedAt = DateTimeOffset.UtcNow, Conversation = conversation }, entries);

        await create.Should().ThrowAsync<InvalidOperationException>();
        (await log.ReadAsync(key, 0, 10)).Status.Should().Be(RunLogStatus.Expired);
        (await log.GetLatestRunAsync(Thread)).Should().BeNull("the older run lacks the newest one");
        (await log.FinishAsync(key, "{}"u8.ToArray())).Should().BeNull();
        (await log.CreateAsync(new RunLogStart { Key = key, StartedAt = DateTimeOffset.UtcNow, Conversation = "{}"u8.ToArray() })).Should().BeFalse();
        (await log.ReadAsync(older, 0, 10)).Status.Should().Be(RunLogStatus.Finished);

        // Within the bounds, the next run is the latest again.
        var next = new RunLogKey(Thread, "next");
        (await log.CreateAndAppendAsync(new RunLogStart { Key = next, StartedAt = DateTimeOffset.UtcNow, Conversation = "{}"u8.ToArray() }, [Entry(1), Entry(2), Entry(3)])).Should().BeTrue();
        (await log.GetLatestRunAsync(Thread))!.Key.Should().Be(next);
    }

    [Fact]
    public async Task Unreachable_EveryOperationThrowsThreadStoreUnavailable()
    {
        using var redis = await RedisThreadStoreTests.ConnectToClosedPortAsync();
        await using var log = new RedisRunEventLog(redis, new RedisThreadStoreOptions());
        var key = new RunLogKey(Thread, "r1");

        await FluentActions.Awaiting(async () => await log.CreateAsync(new RunLogStart { Key = key, StartedAt = DateTimeOffset.UtcNow, Conversation = "{}"u8.ToArray() }))
            .Should().ThrowAsync<ThreadStoreUnavailableException>();
        await FluentActions.Awaiting(async () => await log.AppendAsync(key, [Entry(1)])).Should().ThrowAsync<ThreadStoreUnavailableException>();
        await FluentActions.Awaiting(async () => await log.FinishAsync(key, "{}"u8.ToArray())).Should().ThrowAsync<ThreadStoreUnavailableException>();
        await FluentActions.Awaiting(async () => await log.ReadAsync(key, 0, 10)).Should().ThrowAsync<ThreadStoreUnavailableException>();
        await FluentActions.Awaiting(async () => await log.WaitAsync(key, 0, TimeSpan.FromSeconds(1))).Should().ThrowAsync<ThreadStoreUnavailableException>();
        var error = (await FluentActions.Awaiting(async () => await log.GetLatestRunAsync(Thread)).Should().ThrowAsync<ThreadStoreUnavailableException>()).Which;
        error.Message.Should().Contain("Redis is unavailable");
    }

    [Theory]
    [InlineData("RunLogRetention")]
    [InlineData("ExpiredRunMemory")]
    [InlineData("RunLogMaxEvents")]
    [InlineData("RunLogMaxBytes")]
    [InlineData("RunLogPollInterval")]
    public void Options_RunLogSettingOutOfRange_NamedByTheConstructor(string setting)
    {
        var options = new RedisThreadStoreOptions();
        _ = setting switch
        {
            "RunLogRetention" => (object)(options.RunLogRetention = TimeSpan.FromSeconds(59)),
            "ExpiredRunMemory" => options.ExpiredRunMemory = TimeSpan.FromSeconds(-1),
            "RunLogMaxEvents" => options.RunLogMaxEvents = 0,
            "RunLogMaxBytes" => options.RunLogMaxBytes = 1023,
            _ => options.RunLogPollInterval = TimeSpan.FromSeconds(11),
        };

        var create = () => new RedisRunEventLog(RedisTestEnvironment.Shared, options);

        create.Should().Throw<ArgumentException>().Which.Message.Should().Contain(setting);
    }

    private RedisThreadStoreOptions Options(Action<RedisThreadStoreOptions>? configure = null)
    {
        var options = _keys.Options();
        configure?.Invoke(options);
        return options;
    }

    private static RunLogEntry Entry(long id, bool terminal = false) => new(id, Encoding.UTF8.GetBytes(Event(id)), terminal);

    private static string Event(long id) => $$"""{"type":"TEXT_MESSAGE_CONTENT","messageId":"m1","delta":"n° {{id}}"}""";
}
