using System.Text;
using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.Tests.EventLog;

public sealed class InMemoryRunEventLogTests
{
    private static readonly ThreadKey Thread = new("agent", "alice", "t1");

    private static RunLogKey Key(string runId, string owner = "alice") => new(Thread with { Owner = owner }, runId);

    private static RunLogStart Start(RunLogKey key, DateTimeOffset? at = null) => new()
    {
        Key = key,
        StartedAt = at ?? DateTimeOffset.UtcNow,
        Conversation = Encoding.UTF8.GetBytes("{\"messages\":[],\"state\":null}"),
    };

    private static RunLogEntry Entry(long id, string json = "{\"type\":\"CUSTOM\"}", bool terminal = false) =>
        new(id, Encoding.UTF8.GetBytes(json), terminal);

    private static string Text(RunLogEntry entry) => Encoding.UTF8.GetString(entry.Event.Span);

    [Fact]
    public async Task A_read_outlives_its_run_being_dropped_and_its_memory_reused()
    {
        // MaxRuns 1: creating the next run drops the finished one, whose pooled segments the next run may reuse.
        var log = new InMemoryRunEventLog(new InMemoryRunEventLogOptions { MaxRuns = 1 });
        var large = "{\"delta\":\"" + new string('a', 6_000) + "\"}"; // larger than a segment
        await log.CreateAndAppendAsync(Start(Key("r1")), [Entry(1, "{\"n\":1}"), Entry(2, large), Entry(3, "{\"n\":3}", terminal: true)]);
        var read = await log.ReadAsync(Key("r1"), 0, 10);

        for (var run = 2; run <= 20; run++)
        {
            var key = Key("r" + run);
            await log.CreateAndAppendAsync(Start(key), [Entry(1, "{\"z\":" + run + "}"), Entry(2, "{\"delta\":\"" + new string('z', 6_000) + "\"}")]);
            await log.AppendAsync(key, [Entry(3, "{\"z\":3}", terminal: true)]);
        }

        (await log.ReadAsync(Key("r1"), 0, 10)).Status.Should().BeOneOf(RunLogStatus.Expired, RunLogStatus.Unknown);
        read.Entries.Select(Text).Should().Equal("{\"n\":1}", large, "{\"n\":3}");
        read.Entries.Select(e => e.IsTerminal).Should().Equal(false, false, true);
        var last = await log.ReadAsync(Key("r20"), 1, 10);
        last.Entries.Select(Text).Should().Equal("{\"delta\":\"" + new string('z', 6_000) + "\"}", "{\"z\":3}");
    }

    [Fact]
    public async Task Reads_back_what_was_appended_in_pages_and_copies_it()
    {
        var log = new InMemoryRunEventLog();
        var key = Key("r1");
        (await log.CreateAsync(Start(key))).Should().BeTrue();
        (await log.CreateAsync(Start(key))).Should().BeFalse();
        var buffer = Encoding.UTF8.GetBytes("{\"a\":1}");
        await log.AppendAsync(key, [new RunLogEntry(1, buffer, false), Entry(2), Entry(3)]);
        buffer[1] = (byte)'X'; // the caller reuses its buffer: the log kept a copy

        var first = await log.ReadAsync(key, 0, 2);
        first.Status.Should().Be(RunLogStatus.Open);
        first.LastId.Should().Be(3);
        first.Entries.Select(e => e.Id).Should().Equal(1, 2);
        Text(first.Entries[0]).Should().Be("{\"a\":1}");
        var rest = await log.ReadAsync(key, 2, 10);
        rest.Entries.Select(e => e.Id).Should().Equal(3);
        (await log.ReadAsync(key, 3, 10)).Entries.Should().BeEmpty();
        (await log.ReadAsync(key, 99, 10)).Entries.Should().BeEmpty();
    }

    [Fact]
    public async Task Refuses_ids_that_do_not_continue_and_a_terminal_that_is_not_last()
    {
        var log = new InMemoryRunEventLog();
        var key = Key("r1");
        await log.CreateAsync(Start(key));
        await log.AppendAsync(key, [Entry(1)]);

        await FluentActions.Awaiting(() => log.AppendAsync(key, [Entry(3)]).AsTask()).Should().ThrowAsync<InvalidOperationException>();
        await FluentActions.Awaiting(() => log.AppendAsync(key, [Entry(1)]).AsTask()).Should().ThrowAsync<InvalidOperationException>();
        await FluentActions.Awaiting(() => log.AppendAsync(key, [Entry(2, terminal: true), Entry(3)]).AsTask()).Should().ThrowAsync<InvalidOperationException>();
        await FluentActions.Awaiting(() => log.AppendAsync(Key("unknown"), [Entry(1)]).AsTask()).Should().ThrowAsync<InvalidOperationException>();
        (await log.ReadAsync(key, 0, 10)).LastId.Should().Be(1, "a refused append changes nothing");
    }

    [Fact]
    public async Task A_terminal_entry_finishes_the_log_and_nothing_follows()
    {
        var log = new InMemoryRunEventLog();
        var key = Key("r1");
        await log.CreateAsync(Start(key));
        await log.AppendAsync(key, [Entry(1), Entry(2, "{\"type\":\"RUN_FINISHED\"}", terminal: true)]);

        var read = await log.ReadAsync(key, 0, 10);
        read.Status.Should().Be(RunLogStatus.Finished);
        read.Entries[^1].IsTerminal.Should().BeTrue();
        await FluentActions.Awaiting(() => log.AppendAsync(key, [Entry(3)]).AsTask()).Should().ThrowAsync<InvalidOperationException>();
        var finish = await log.FinishAsync(key, Encoding.UTF8.GetBytes("{\"type\":\"RUN_ERROR\"}"));
        finish.Should().NotBeNull();
        finish!.Value.Id.Should().Be(2, "the log's own terminal entry wins");
        Text(finish.Value).Should().Contain("RUN_FINISHED");
    }

    [Fact]
    public async Task Finish_by_a_reader_appends_one_terminal_and_the_writer_can_no_longer_append()
    {
        var log = new InMemoryRunEventLog();
        var key = Key("r1");
        await log.CreateAsync(Start(key));
        await log.AppendAsync(key, [Entry(1)]);

        var finishes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => log.FinishAsync(key, Encoding.UTF8.GetBytes("{\"type\":\"RUN_ERROR\"}")).AsTask()));
        finishes.Select(f => f!.Value.Id).Distinct().Should().Equal(2);
        await FluentActions.Awaiting(() => log.AppendAsync(key, [Entry(2, terminal: true)]).AsTask()).Should().ThrowAsync<InvalidOperationException>();
        (await log.ReadAsync(key, 0, 10)).Entries.Should().HaveCount(2);
        (await log.FinishAsync(Key("unknown"), Encoding.UTF8.GetBytes("{}"))).Should().BeNull();
    }

    [Fact]
    public async Task Another_owners_run_is_unknown()
    {
        var log = new InMemoryRunEventLog();
        await log.CreateAsync(Start(Key("r1")));
        (await log.ReadAsync(Key("r1", owner: "mallory"), 0, 10)).Status.Should().Be(RunLogStatus.Unknown);
        (await log.GetLatestRunAsync(Thread with { Owner = "mallory" })).Should().BeNull();
    }

    [Fact]
    public async Task A_waiter_is_woken_by_an_append_and_by_a_finish()
    {
        var log = new InMemoryRunEventLog();
        var key = Key("r1");
        await log.CreateAsync(Start(key));

        var waiting = log.WaitAsync(key, 0, TimeSpan.FromHours(1)).AsTask();
        waiting.IsCompleted.Should().BeFalse("nothing was appended yet");
        await log.AppendAsync(key, [Entry(1)]);
        (await waiting).Should().BeTrue();

        (await log.WaitAsync(key, 0, TimeSpan.FromHours(1))).Should().BeTrue("an entry after 0 is already there");
        var second = log.WaitAsync(key, 1, TimeSpan.FromHours(1)).AsTask();
        await log.FinishAsync(key, Encoding.UTF8.GetBytes("{}"));
        (await second).Should().BeTrue();
    }

    [Fact]
    public async Task A_wait_with_nothing_new_times_out_with_false_and_honours_cancellation()
    {
        var log = new InMemoryRunEventLog();
        var key = Key("r1");
        await log.CreateAsync(Start(key));
        (await log.WaitAsync(key, 0, TimeSpan.FromMilliseconds(1))).Should().BeFalse();

        using var cancel = new CancellationTokenSource();
        var waiting = log.WaitAsync(key, 0, TimeSpan.FromHours(1), cancel.Token).AsTask();
        await cancel.CancelAsync();
        await FluentActions.Awaiting(() => waiting).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task A_run_past_its_bounds_is_refused_and_keeps_what_it_had()
    {
        var log = new InMemoryRunEventLog(new InMemoryRunEventLogOptions { MaxEntriesPerRun = 3, MaxBytesPerRun = 4096 });
        var key = Key("r1");
        await log.CreateAsync(Start(key));
        await log.AppendAsync(key, [Entry(1), Entry(2)]);
        await FluentActions.Awaiting(() => log.AppendAsync(key, [Entry(3), Entry(4)]).AsTask()).Should().ThrowAsync<InvalidOperationException>();
        await FluentActions.Awaiting(() => log.AppendAsync(key, [Entry(3, new string('x', 5000))]).AsTask()).Should().ThrowAsync<InvalidOperationException>();
        (await log.ReadAsync(key, 0, 10)).LastId.Should().Be(2);

        // A reader can still finish it past the bounds: a terminal event is always admitted.
        (await log.FinishAsync(key, Encoding.UTF8.GetBytes("{\"type\":\"RUN_ERROR\"}"))).Should().NotBeNull();
        (await log.FinishAsync(key, Encoding.UTF8.GetBytes("{\"type\":\"RUN_ERROR\"}")))!.Value.Id.Should().Be(3);
    }

    [Theory]
    [InlineData("conversation")]
    [InlineData("entries")]
    [InlineData("bytes")]
    public async Task A_run_whose_first_write_is_past_its_bounds_reads_expired_and_the_thread_has_no_latest_run(string past)
    {
        var log = new InMemoryRunEventLog(new InMemoryRunEventLogOptions { MaxEntriesPerRun = 3, MaxBytesPerRun = 4096 });
        await log.CreateAndAppendAsync(Start(Key("older")), [Entry(1), Entry(2, terminal: true)]);
        var start = Start(Key("newest"));
        IReadOnlyList<RunLogEntry> entries = [Entry(1)];
        switch (past)
        {
            case "conversation":
                start = new RunLogStart { Key = start.Key, StartedAt = start.StartedAt, Conversation = Encoding.UTF8.GetBytes("{\"messages\":[],\"state\":\"" + new string('c', 5000) + "\"}") };
                break;
            case "entries":
                entries = [Entry(1), Entry(2), Entry(3), Entry(4)];
                break;
            default:
                entries = [Entry(1, "{\"delta\":\"" + new string('b', 5000) + "\"}")];
                break;
        }

        await FluentActions.Awaiting(() => log.CreateAndAppendAsync(start, entries).AsTask()).Should().ThrowAsync<InvalidOperationException>();

        // The newest run has no log, so the older one must not stand in for the thread: it lacks the newest run.
        (await log.ReadAsync(Key("newest"), 0, 10)).Status.Should().Be(RunLogStatus.Expired);
        (await log.GetLatestRunAsync(Thread)).Should().BeNull();
        (await log.FinishAsync(Key("newest"), Encoding.UTF8.GetBytes("{}"))).Should().BeNull();
        (await log.CreateAsync(Start(Key("newest")))).Should().BeFalse("its expiry is remembered");
        await FluentActions.Awaiting(() => log.AppendAsync(Key("newest"), [Entry(1)]).AsTask()).Should().ThrowAsync<InvalidOperationException>();
        (await log.ReadAsync(Key("older"), 0, 10)).Status.Should().Be(RunLogStatus.Finished, "the older run itself is kept");

        // A later run of the thread is its latest again.
        await log.CreateAsync(Start(Key("next")));
        (await log.GetLatestRunAsync(Thread))!.Key.Should().Be(Key("next"));
    }

    [Fact]
    public async Task A_run_whose_first_write_fits_is_the_latest_run()
    {
        var log = new InMemoryRunEventLog(new InMemoryRunEventLogOptions { MaxEntriesPerRun = 3, MaxBytesPerRun = 4096 });
        await log.CreateAndAppendAsync(Start(Key("older")), [Entry(1), Entry(2, terminal: true)]);

        (await log.CreateAndAppendAsync(Start(Key("newest")), [Entry(1), Entry(2), Entry(3)])).Should().BeTrue();

        (await log.ReadAsync(Key("newest"), 0, 10)).Status.Should().Be(RunLogStatus.Open);
        (await log.GetLatestRunAsync(Thread))!.Key.Should().Be(Key("newest"));
    }

    [Fact]
    public async Task Past_MaxRuns_the_oldest_finished_run_is_dropped_first_and_reads_as_expired()
    {
        var log = new InMemoryRunEventLog(new InMemoryRunEventLogOptions { MaxRuns = 2 });
        var open = Key("open");
        var finished = Key("finished");
        await log.CreateAsync(Start(open));
        await log.CreateAsync(Start(finished));
        await log.FinishAsync(finished, Encoding.UTF8.GetBytes("{}"));

        await log.CreateAsync(Start(Key("third")));

        (await log.ReadAsync(finished, 0, 10)).Status.Should().Be(RunLogStatus.Expired);
        (await log.ReadAsync(open, 0, 10)).Status.Should().Be(RunLogStatus.Open, "an open run is never dropped for room");
        log.RunCount.Should().Be(2);

        // Only open runs left: a new run gets no log rather than an open run losing its own.
        await FluentActions.Awaiting(() => log.CreateAsync(Start(Key("fourth"))).AsTask()).Should().ThrowAsync<InvalidOperationException>();
        (await log.ReadAsync(Key("fourth"), 0, 10)).Status.Should().Be(RunLogStatus.Expired, "its events are not kept");
        (await log.GetLatestRunAsync(Thread)).Should().BeNull("the thread's newest run has no log");
    }

    [Fact]
    public async Task Past_MaxTotalBytes_the_oldest_finished_runs_are_dropped()
    {
        // Each run holds its conversation and a 2,048-byte segment (its event's 1,204-byte record does not fit 1,024).
        var log = new InMemoryRunEventLog(new InMemoryRunEventLogOptions { MaxBytesPerRun = 4000, MaxTotalBytes = 5000 });
        var big = new string('x', 1200);
        foreach (var run in new[] { "a", "b" })
        {
            await log.CreateAsync(Start(Key(run)));
            await log.AppendAsync(Key(run), [Entry(1, big, terminal: true)]);
        }

        await log.CreateAsync(Start(Key("c")));
        await log.AppendAsync(Key("c"), [Entry(1, big)]);

        (await log.ReadAsync(Key("a"), 0, 10)).Status.Should().Be(RunLogStatus.Expired);
        (await log.ReadAsync(Key("b"), 0, 10)).Status.Should().Be(RunLogStatus.Finished);
        log.TotalBytes.Should().BeLessThanOrEqualTo(5000);
    }

    [Fact]
    public async Task Every_run_expires_its_retention_after_its_start_finished_or_not()
    {
        var clock = new ManualClock();
        var log = new InMemoryRunEventLog(new InMemoryRunEventLogOptions { Retention = TimeSpan.FromMinutes(10) }, clock);
        var finished = Key("finished");
        var open = Key("open");
        await log.CreateAsync(Start(finished, clock.Now));
        await log.FinishAsync(finished, Encoding.UTF8.GetBytes("{}"));
        clock.Now += TimeSpan.FromMinutes(1);
        await log.CreateAsync(Start(open, clock.Now));

        clock.Now += TimeSpan.FromMinutes(8);
        await log.AppendAsync(open, [Entry(1)]);
        (await log.ReadAsync(finished, 0, 10)).Status.Should().Be(RunLogStatus.Finished);
        (await log.GetLatestRunAsync(Thread))!.Key.Should().Be(open);

        clock.Now += TimeSpan.FromMinutes(1);
        (await log.ReadAsync(finished, 0, 10)).Status.Should().Be(RunLogStatus.Expired, "it started 10 minutes ago");
        (await log.ReadAsync(open, 0, 10)).Status.Should().Be(RunLogStatus.Open, "it started 9 minutes ago");

        clock.Now += TimeSpan.FromMinutes(1);
        (await log.ReadAsync(open, 0, 10)).Status.Should().Be(RunLogStatus.Expired, "an open run ages from its start too, however recently written");
        (await log.GetLatestRunAsync(Thread)).Should().BeNull();
        (await log.CreateAsync(Start(open, clock.Now))).Should().BeFalse("an expiry is remembered, so the run is not created again");

        clock.Now += TimeSpan.FromMinutes(11);
        (await log.ReadAsync(open, 0, 10)).Status.Should().Be(RunLogStatus.Unknown, "an expiry is remembered for one retention");
    }

    [Fact]
    public async Task The_latest_run_of_a_thread_is_its_last_created()
    {
        var log = new InMemoryRunEventLog();
        await log.CreateAsync(Start(Key("r1")));
        await log.CreateAsync(Start(Key("r2")));
        var latest = await log.GetLatestRunAsync(Thread);
        latest!.Key.RunId.Should().Be("r2");
        Encoding.UTF8.GetString(latest.Conversation.Span).Should().Be("{\"messages\":[],\"state\":null}");
    }

    [Theory]
    [InlineData(0, 1, 1, 1, 60)]
    [InlineData(1, 0, 1, 1, 60)]
    [InlineData(1, 1, 0, 1, 60)]
    [InlineData(1, 2, 1, 1, 60)]
    [InlineData(1, 1, 1, 1, 0)]
    [InlineData(1, 1, 1, 1, -1)]
    public void Options_out_of_range_are_refused_naming_the_setting(int entries, long perRun, int runs, long total, int retentionSeconds)
    {
        var options = new InMemoryRunEventLogOptions
        {
            MaxEntriesPerRun = entries,
            MaxBytesPerRun = perRun,
            MaxRuns = runs,
            MaxTotalBytes = total,
            Retention = TimeSpan.FromSeconds(retentionSeconds),
        };
        FluentActions.Invoking(() => new InMemoryRunEventLog(options)).Should().Throw<ArgumentException>().WithMessage("Invalid InMemoryRunEventLogOptions: *");
    }

    [Fact]
    public void Default_options_are_valid() => FluentActions.Invoking(() => new InMemoryRunEventLogOptions().Validate()).Should().NotThrow();

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
