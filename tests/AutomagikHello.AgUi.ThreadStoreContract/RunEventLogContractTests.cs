using System.Text;
using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.Tests.EventLog;

/// <summary>
/// The run event log's contract, run unchanged against every log: creation, ids that must continue, reads and paging,
/// the one terminal entry (also under races), waiting, ownership, retention and large events. A log's test class says
/// how to create the log, what age retention it was created with and how to apply retention.
/// </summary>
public abstract class RunEventLogContractTests
{
    private static readonly ThreadKey Thread = new("chat", "alice", "thread-1");

    /// <summary>A new, empty log (its own file, key prefix or instance).</summary>
    protected abstract IRunEventLog CreateLog();

    /// <summary>The age retention the logs of <see cref="CreateLog"/> keep runs for.</summary>
    protected abstract TimeSpan Retention { get; }

    /// <summary>
    /// Another instance over the same logs as <paramref name="log"/>, as a second process sees them (the same file or
    /// server, its own memory and waiters). Default: the same instance (a log held in one process has no second view).
    /// </summary>
    protected virtual IRunEventLog CreateSecondInstance(IRunEventLog log) => log;

    /// <summary>
    /// A new, empty log that looks at its store for writers it cannot hear at most every <see cref="RarePoll"/> (its
    /// options' longest poll interval), so a wait shorter than that ends with true only when a wake-up reached it.
    /// Default: <see cref="CreateLog"/> (a log that never polls).
    /// </summary>
    protected virtual IRunEventLog CreateLogPollingRarely() => CreateLog();

    /// <summary>
    /// Another instance over the same logs as <paramref name="log"/> (see <see cref="CreateSecondInstance"/>) polling at
    /// most every <see cref="RarePoll"/>, or <see langword="null"/> when instances hear each other only by polling.
    /// Default: the same instance.
    /// </summary>
    protected virtual IRunEventLog? CreateSecondInstancePollingRarely(IRunEventLog log) => log;

    /// <summary>The poll interval of <see cref="CreateLogPollingRarely"/>: the longest the logs' options allow.</summary>
    protected static readonly TimeSpan RarePoll = TimeSpan.FromSeconds(10);

    /// <summary>A wait's timeout well short of <see cref="RarePoll"/>: only a wake-up, not a poll, ends it with true.</summary>
    private static readonly TimeSpan BeforeAnyPoll = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Applies retention as of <paramref name="now"/> (a sweep, for logs that sweep). Default: nothing, for logs whose
    /// retention needs no call (key TTLs).
    /// </summary>
    protected virtual ValueTask ApplyRetentionAsync(IRunEventLog log, DateTimeOffset now) => default;

    [Fact]
    public async Task Create_New_IsOpenAndEmpty()
    {
        var log = CreateLog();

        (await log.CreateAsync(Start("r1"))).Should().BeTrue();

        var read = await log.ReadAsync(Key("r1"), 0, 100);
        read.Status.Should().Be(RunLogStatus.Open);
        read.Entries.Should().BeEmpty();
        read.LastId.Should().Be(0);
    }

    [Fact]
    public async Task Create_Twice_SecondRefusedAndFirstKept()
    {
        var log = CreateLog();
        await log.CreateAsync(Start("r1", conversation: """{"messages":[],"state":1}"""));
        await log.AppendAsync(Key("r1"), [Entry(1)]);

        (await log.CreateAsync(Start("r1", conversation: """{"messages":[],"state":2}"""))).Should().BeFalse();

        var read = await log.ReadAsync(Key("r1"), 0, 100);
        read.Entries.Should().ContainSingle();
        Text((await log.GetLatestRunAsync(Thread))!.Conversation).Should().Be("""{"messages":[],"state":1}""");
    }

    [Fact]
    public async Task CreateAndAppend_New_HoldsTheEntriesByteForByte_AndTheNextAppendContinues()
    {
        var log = CreateLog();

        (await log.CreateAndAppendAsync(Start("r1"), [Entry(1), Entry(2)])).Should().BeTrue();
        await log.AppendAsync(Key("r1"), [Entry(3)]);

        var read = await log.ReadAsync(Key("r1"), 0, 100);
        read.Status.Should().Be(RunLogStatus.Open);
        read.LastId.Should().Be(3);
        read.Entries.Select(e => Text(e.Event)).Should().Equal(Event(1), Event(2), Event(3));
        Text((await log.GetLatestRunAsync(Thread))!.Conversation).Should().Be("""{"messages":[]}""");
    }

    [Fact]
    public async Task CreateAndAppend_EndingWithATerminal_FinishesTheLog()
    {
        var log = CreateLog();

        (await log.CreateAndAppendAsync(Start("r1"), [Entry(1), Entry(2, terminal: true)])).Should().BeTrue();

        await ShouldHold(log, Key("r1"), RunLogStatus.Finished, 1, 2);
        var terminal = await log.FinishAsync(Key("r1"), Encoding.UTF8.GetBytes(Event(99)));
        terminal!.Value.Id.Should().Be(2);
        Text(terminal.Value.Event).Should().Be(Event(2));
        var append = async () => await log.AppendAsync(Key("r1"), [Entry(3)]);
        await append.Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task CreateAndAppend_WhenTheLogExists_ChangesNothing()
    {
        var log = CreateLog();
        await log.CreateAsync(Start("r1", conversation: """{"messages":[],"state":1}"""));
        await log.AppendAsync(Key("r1"), [Entry(1)]);

        (await log.CreateAndAppendAsync(Start("r1", conversation: """{"messages":[],"state":2}"""), [Entry(1), Entry(2)])).Should().BeFalse();

        await ShouldHold(log, Key("r1"), RunLogStatus.Open, 1);
        Text((await log.GetLatestRunAsync(Thread))!.Conversation).Should().Be("""{"messages":[],"state":1}""");
    }

    [Theory]
    [InlineData(2L, 3L)] // not from 1
    [InlineData(1L, 3L)] // a gap
    public async Task CreateAndAppend_IdsNotOneTwoThree_ThrowsAndCreatesNothing(long first, long second)
    {
        var log = CreateLog();

        var create = async () => await log.CreateAndAppendAsync(Start("r1"), [Entry(first), Entry(second)]);

        await create.Should().ThrowAsync<InvalidOperationException>();
        (await log.ReadAsync(Key("r1"), 0, 10)).Status.Should().Be(RunLogStatus.Unknown);
    }

    [Fact]
    public async Task Append_IdsContinue_ReadReturnsTheEventsInOrderByteForByte()
    {
        var log = CreateLog();
        await log.CreateAsync(Start("r1"));

        await log.AppendAsync(Key("r1"), [Entry(1), Entry(2), Entry(3)]);
        await log.AppendAsync(Key("r1"), [Entry(4)]);

        var read = await log.ReadAsync(Key("r1"), 0, 100);
        read.Status.Should().Be(RunLogStatus.Open);
        read.LastId.Should().Be(4);
        read.Entries.Select(e => e.Id).Should().Equal(1, 2, 3, 4);
        read.Entries.Select(e => Text(e.Event)).Should().Equal(Event(1), Event(2), Event(3), Event(4));
        read.Entries.Should().OnlyContain(e => !e.IsTerminal);
    }

    [Theory]
    [InlineData(4)] // a gap
    [InlineData(2)] // a repeat of the last id
    [InlineData(1)] // an earlier id
    [InlineData(0)]
    public async Task Append_IdsNotContinuingTheLog_ThrowsAndWritesNothing(long firstId)
    {
        var log = CreateLog();
        await log.CreateAsync(Start("r1"));
        await log.AppendAsync(Key("r1"), [Entry(1), Entry(2)]);

        var append = async () => await log.AppendAsync(Key("r1"), [Entry(firstId), Entry(firstId + 1)]);

        await append.Should().ThrowAsync<InvalidOperationException>();
        await ShouldHold(log, Key("r1"), RunLogStatus.Open, 1, 2);
    }

    [Fact]
    public async Task Append_IdsNotConsecutiveWithinTheBatch_ThrowsAndWritesNothing()
    {
        var log = CreateLog();
        await log.CreateAsync(Start("r1"));

        var append = async () => await log.AppendAsync(Key("r1"), [Entry(1), Entry(2), Entry(4)]);

        await append.Should().ThrowAsync<InvalidOperationException>();
        await ShouldHold(log, Key("r1"), RunLogStatus.Open);
    }

    [Fact]
    public async Task Append_TerminalNotLast_ThrowsAndWritesNothing()
    {
        var log = CreateLog();
        await log.CreateAsync(Start("r1"));

        var append = async () => await log.AppendAsync(Key("r1"), [Entry(1, terminal: true), Entry(2)]);

        await append.Should().ThrowAsync<InvalidOperationException>();
        await ShouldHold(log, Key("r1"), RunLogStatus.Open);
    }

    [Fact]
    public async Task Append_AfterTerminal_ThrowsAndWritesNothing()
    {
        var log = CreateLog();
        await log.CreateAsync(Start("r1"));
        await log.AppendAsync(Key("r1"), [Entry(1), Entry(2, terminal: true)]);

        var append = async () => await log.AppendAsync(Key("r1"), [Entry(3)]);

        await append.Should().ThrowAsync<InvalidOperationException>();
        await ShouldHold(log, Key("r1"), RunLogStatus.Finished, 1, 2);
    }

    [Fact]
    public async Task Append_UnknownLog_ThrowsAndCreatesNothing()
    {
        var log = CreateLog();

        var append = async () => await log.AppendAsync(Key("nope"), [Entry(1)]);

        await append.Should().ThrowAsync<InvalidOperationException>();
        (await log.ReadAsync(Key("nope"), 0, 10)).Status.Should().Be(RunLogStatus.Unknown);
    }

    [Fact]
    public async Task Append_Terminal_FinishesTheLogAndMarksOnlyTheLastEntry()
    {
        var log = CreateLog();
        await log.CreateAsync(Start("r1"));

        await log.AppendAsync(Key("r1"), [Entry(1), Entry(2), Entry(3, terminal: true)]);

        var read = await log.ReadAsync(Key("r1"), 0, 100);
        read.Status.Should().Be(RunLogStatus.Finished);
        read.LastId.Should().Be(3);
        read.Entries.Select(e => e.IsTerminal).Should().Equal(false, false, true);
    }

    [Fact]
    public async Task Read_AfterAndMax_PagesThroughTheLog_LastIdTellsCutFromCaughtUp()
    {
        var log = CreateLog();
        await log.CreateAsync(Start("r1"));
        await log.AppendAsync(Key("r1"), [.. Enumerable.Range(1, 10).Select(i => Entry(i))]);

        var first = await log.ReadAsync(Key("r1"), 0, 4);
        var middle = await log.ReadAsync(Key("r1"), 4, 4);
        var last = await log.ReadAsync(Key("r1"), 8, 4);
        var past = await log.ReadAsync(Key("r1"), 10, 4);
        var beyond = await log.ReadAsync(Key("r1"), 1_000_000, 4);

        first.Entries.Select(e => e.Id).Should().Equal(1, 2, 3, 4);
        middle.Entries.Select(e => e.Id).Should().Equal(5, 6, 7, 8);
        last.Entries.Select(e => e.Id).Should().Equal(9, 10);
        past.Entries.Should().BeEmpty();
        beyond.Entries.Should().BeEmpty();
        new[] { first, middle, last, past, beyond }.Should().OnlyContain(r => r.LastId == 10 && r.Status == RunLogStatus.Open);
        Text(middle.Entries[0].Event).Should().Be(Event(5));
    }

    [Fact]
    public async Task Read_LongMaxValueAfter_ReturnsNothing()
    {
        var log = CreateLog();
        await log.CreateAsync(Start("r1"));
        await log.AppendAsync(Key("r1"), [Entry(1)]);

        var read = await log.ReadAsync(Key("r1"), long.MaxValue, int.MaxValue);

        read.Entries.Should().BeEmpty();
        read.LastId.Should().Be(1);
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(0, 0)]
    [InlineData(0, -1)]
    public async Task Read_NegativeAfterOrNoRoom_ThrowsArgumentOutOfRange(long afterId, int maxEntries)
    {
        var log = CreateLog();
        await log.CreateAsync(Start("r1"));

        var read = async () => await log.ReadAsync(Key("r1"), afterId, maxEntries);

        await read.Should().ThrowAsync<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task Read_NeverCreated_IsUnknown()
    {
        var log = CreateLog();

        var read = await log.ReadAsync(Key("nope"), 0, 10);

        read.Status.Should().Be(RunLogStatus.Unknown);
        read.Entries.Should().BeEmpty();
        read.LastId.Should().Be(0);
    }

    [Fact]
    public async Task Read_AnotherOwnersRun_IsUnknown()
    {
        var log = CreateLog();
        await log.CreateAsync(Start("r1"));
        await log.AppendAsync(Key("r1"), [Entry(1)]);
        var mallory = new RunLogKey(Thread with { Owner = "mallory" }, "r1");

        var read = await log.ReadAsync(mallory, 0, 10);
        var finish = await log.FinishAsync(mallory, Encoding.UTF8.GetBytes(Event(99)));
        var append = async () => await log.AppendAsync(mallory, [Entry(2)]);

        read.Status.Should().Be(RunLogStatus.Unknown);
        read.Entries.Should().BeEmpty();
        finish.Should().BeNull();
        await append.Should().ThrowAsync<InvalidOperationException>();
        (await log.GetLatestRunAsync(mallory.Thread)).Should().BeNull();
        await ShouldHold(log, Key("r1"), RunLogStatus.Open, 1);
    }

    [Fact]
    public async Task Finish_OpenLog_AppendsTheTerminalAfterTheLastEntry()
    {
        var log = CreateLog();
        await log.CreateAsync(Start("r1"));
        await log.AppendAsync(Key("r1"), [Entry(1), Entry(2)]);

        var terminal = await log.FinishAsync(Key("r1"), Encoding.UTF8.GetBytes(Event(99)));

        terminal.Should().NotBeNull();
        terminal!.Value.Id.Should().Be(3);
        terminal.Value.IsTerminal.Should().BeTrue();
        Text(terminal.Value.Event).Should().Be(Event(99));
        var read = await log.ReadAsync(Key("r1"), 2, 10);
        read.Status.Should().Be(RunLogStatus.Finished);
        read.Entries.Should().ContainSingle().Which.IsTerminal.Should().BeTrue();
        Text(read.Entries[0].Event).Should().Be(Event(99));
    }

    [Fact]
    public async Task Finish_EmptyLog_TerminalIsTheFirstEntry()
    {
        var log = CreateLog();
        await log.CreateAsync(Start("r1"));

        var terminal = await log.FinishAsync(Key("r1"), Encoding.UTF8.GetBytes(Event(99)));

        terminal!.Value.Id.Should().Be(1);
        await ShouldHold(log, Key("r1"), RunLogStatus.Finished, 1);
    }

    [Fact]
    public async Task Finish_FinishedLog_ReturnsTheTerminalAlreadyThere()
    {
        var log = CreateLog();
        await log.CreateAsync(Start("r1"));
        await log.AppendAsync(Key("r1"), [Entry(1), Entry(2, terminal: true)]);

        var terminal = await log.FinishAsync(Key("r1"), Encoding.UTF8.GetBytes(Event(99)));

        terminal!.Value.Id.Should().Be(2);
        terminal.Value.IsTerminal.Should().BeTrue();
        Text(terminal.Value.Event).Should().Be(Event(2));
        await ShouldHold(log, Key("r1"), RunLogStatus.Finished, 1, 2);
    }

    [Fact]
    public async Task Finish_UnknownLog_ReturnsNullAndCreatesNothing()
    {
        var log = CreateLog();

        (await log.FinishAsync(Key("nope"), Encoding.UTF8.GetBytes(Event(99)))).Should().BeNull();

        (await log.ReadAsync(Key("nope"), 0, 10)).Status.Should().Be(RunLogStatus.Unknown);
    }

    [Fact]
    public async Task Finish_RacingTheWritersTerminalAppend_ExactlyOneTerminal()
    {
        var log = CreateLog();
        var reader = CreateSecondInstance(log);
        for (var round = 0; round < 10; round++)
        {
            var key = Key($"race-{round}");
            await log.CreateAsync(Start(key.RunId));
            await log.AppendAsync(key, [Entry(1), Entry(2)]);
            using var go = new ManualResetEventSlim();

            var writer = Task.Run(async () =>
            {
                go.Wait();
                try
                {
                    await log.AppendAsync(key, [Entry(3, terminal: true)]);
                    return true;
                }
                catch (InvalidOperationException)
                {
                    return false; // a finisher won
                }
            });
            var finisher = Task.Run(async () =>
            {
                go.Wait();
                return await reader.FinishAsync(key, Encoding.UTF8.GetBytes(Event(99)));
            });
            go.Set();
            var writerWon = await writer;
            var finished = await finisher;

            var read = await log.ReadAsync(key, 0, 100);
            read.Status.Should().Be(RunLogStatus.Finished);
            read.Entries.Select(e => e.Id).Should().Equal(1, 2, 3);
            read.Entries.Count(e => e.IsTerminal).Should().Be(1);
            Text(read.Entries[2].Event).Should().Be(writerWon ? Event(3) : Event(99));
            finished!.Value.Id.Should().Be(3);
            Text(finished.Value.Event).Should().Be(Text(read.Entries[2].Event));
        }
    }

    [Fact]
    public async Task Finish_TwentyConcurrentFinishers_ExactlyOneTerminalAndAllSeeIt()
    {
        var log = CreateLog();
        var other = CreateSecondInstance(log);
        await log.CreateAsync(Start("r1"));
        await log.AppendAsync(Key("r1"), [Entry(1)]);
        using var go = new ManualResetEventSlim();

        var finishers = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            go.Wait();
            return await (i % 2 == 0 ? log : other).FinishAsync(Key("r1"), Encoding.UTF8.GetBytes(Event(100 + i)));
        })).ToArray();
        go.Set();
        var results = await Task.WhenAll(finishers);

        var read = await log.ReadAsync(Key("r1"), 0, 100);
        read.Entries.Select(e => e.Id).Should().Equal(1, 2);
        read.Entries.Count(e => e.IsTerminal).Should().Be(1);
        var terminal = Text(read.Entries[1].Event);
        results.Should().OnlyContain(r => r != null && r.Value.Id == 2 && r.Value.IsTerminal && Text(r.Value.Event) == terminal);
    }

    [Fact]
    public async Task Wait_EntryAlreadyAfterTheId_ReturnsTrueAtOnce()
    {
        var log = CreateLog();
        await log.CreateAsync(Start("r1"));
        await log.AppendAsync(Key("r1"), [Entry(1)]);

        (await log.WaitAsync(Key("r1"), 0, TimeSpan.FromMinutes(1))).Should().BeTrue();
    }

    [Fact]
    public async Task Wait_NothingNew_ReturnsFalseWhenTheTimeoutPasses()
    {
        var log = CreateLog();
        await log.CreateAsync(Start("r1"));
        await log.AppendAsync(Key("r1"), [Entry(1)]);

        (await log.WaitAsync(Key("r1"), 1, TimeSpan.FromMilliseconds(50))).Should().BeFalse();
        (await log.WaitAsync(Key("r1"), 1, TimeSpan.Zero)).Should().BeFalse();
    }

    [Fact]
    public async Task Wait_StartedBeforeTheAppend_WakesOnTheAppend()
    {
        var log = CreateLog();
        await log.CreateAsync(Start("r1"));
        await log.AppendAsync(Key("r1"), [Entry(1)]);

        // A log that polls finds the entry by polling too: Wait_ShorterThanThePollInterval_* catch a missed wake-up.
        var waiting = log.WaitAsync(Key("r1"), 1, TimeSpan.FromMinutes(1)).AsTask();
        await Task.Delay(20);
        await log.AppendAsync(Key("r1"), [Entry(2)]);

        (await waiting).Should().BeTrue();
        (await log.ReadAsync(Key("r1"), 1, 10)).Entries.Select(e => e.Id).Should().Equal(2);
    }

    [Fact]
    public async Task Wait_OnAnotherInstance_WakesOnTheWritersAppend()
    {
        var log = CreateLog();
        var reader = CreateSecondInstance(log);
        await log.CreateAsync(Start("r1"));

        var waiting = reader.WaitAsync(Key("r1"), 0, TimeSpan.FromMinutes(1)).AsTask();
        await Task.Delay(20);
        await log.AppendAsync(Key("r1"), [Entry(1)]);

        (await waiting).Should().BeTrue();
        (await reader.ReadAsync(Key("r1"), 0, 10)).Entries.Select(e => e.Id).Should().Equal(1);
    }

    [Fact]
    public async Task Wait_StartedBeforeFinish_WakesOnTheFinish()
    {
        var log = CreateLog();
        await log.CreateAsync(Start("r1"));

        var waiting = log.WaitAsync(Key("r1"), 0, TimeSpan.FromMinutes(1)).AsTask();
        await Task.Delay(20);
        await log.FinishAsync(Key("r1"), Encoding.UTF8.GetBytes(Event(99)));

        (await waiting).Should().BeTrue();
    }

    [Fact]
    public async Task Wait_ShorterThanThePollInterval_IsWokenByTheAppend()
    {
        var log = CreateLogPollingRarely();
        await log.CreateAsync(Start("r1"));
        await log.AppendAsync(Key("r1"), [Entry(1)]);

        var waiting = log.WaitAsync(Key("r1"), 1, BeforeAnyPoll).AsTask();
        await Task.Delay(200); // time to register and check first, so the write comes while it waits
        await log.AppendAsync(Key("r1"), [Entry(2)]);

        (await waiting).Should().BeTrue("the append wakes the waiter; no poll comes before its timeout");
    }

    [Fact]
    public async Task Wait_ShorterThanThePollInterval_IsWokenByTheFinish()
    {
        var log = CreateLogPollingRarely();
        await log.CreateAsync(Start("r1"));

        var waiting = log.WaitAsync(Key("r1"), 0, BeforeAnyPoll).AsTask();
        await Task.Delay(200); // time to register and check first, so the write comes while it waits
        await log.FinishAsync(Key("r1"), Encoding.UTF8.GetBytes(Event(99)));

        (await waiting).Should().BeTrue("the finish wakes the waiter; no poll comes before its timeout");
    }

    [Fact]
    public async Task Wait_ShorterThanThePollInterval_OnAnotherInstance_IsWokenByTheWritersAppend()
    {
        var log = CreateLogPollingRarely();
        if (CreateSecondInstancePollingRarely(log) is not { } reader)
        {
            return; // this log's instances hear each other only by polling (documented)
        }

        await log.CreateAsync(Start("r1"));
        var waiting = reader.WaitAsync(Key("r1"), 0, BeforeAnyPoll).AsTask();
        await Task.Delay(200); // time to register and check first, so the write comes while it waits
        await log.AppendAsync(Key("r1"), [Entry(1)]);

        (await waiting).Should().BeTrue("the append wakes the other instance's waiter; no poll comes before its timeout");
    }

    [Fact]
    public async Task Wait_ShorterThanThePollInterval_NothingNew_ReturnsFalse()
    {
        var log = CreateLogPollingRarely();
        await log.CreateAsync(Start("r1"));
        await log.AppendAsync(Key("r1"), [Entry(1)]);

        (await log.WaitAsync(Key("r1"), 1, TimeSpan.FromMilliseconds(100))).Should().BeFalse();
    }

    [Fact]
    public async Task Wait_FinishedOrUnknownLog_ReturnsTrueAtOnce()
    {
        var log = CreateLog();
        await log.CreateAsync(Start("r1"));
        await log.AppendAsync(Key("r1"), [Entry(1, terminal: true)]);

        (await log.WaitAsync(Key("r1"), 1, TimeSpan.FromMinutes(1))).Should().BeTrue();
        (await log.WaitAsync(Key("nope"), 0, TimeSpan.FromMinutes(1))).Should().BeTrue();
    }

    [Fact]
    public async Task Wait_Cancelled_ThrowsOperationCanceled()
    {
        var log = CreateLog();
        await log.CreateAsync(Start("r1"));
        using var cancel = new CancellationTokenSource();

        var waiting = log.WaitAsync(Key("r1"), 0, TimeSpan.FromMinutes(1), cancel.Token).AsTask();
        await cancel.CancelAsync();

        await waiting.Invoking(w => w).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task GetLatestRun_ReturnsTheThreadsLatestRunWithItsConversation()
    {
        var log = CreateLog();
        var startedAt = DateTimeOffset.UtcNow.AddSeconds(-5);
        await log.CreateAsync(Start("r1", startedAt, """{"messages":[{"id":"m1","role":"user","content":"hi"}]}"""));
        await log.CreateAsync(Start("r2", startedAt.AddSeconds(1), """{"messages":[{"id":"m2","role":"user","content":"é ✓"}],"state":{"n":2}}"""));
        await log.CreateAsync(new RunLogStart
        {
            Key = new RunLogKey(Thread with { ThreadId = "thread-2" }, "r3"),
            StartedAt = startedAt.AddSeconds(2),
            Conversation = Encoding.UTF8.GetBytes("""{"messages":[]}"""),
        });

        var latest = await CreateSecondInstance(log).GetLatestRunAsync(Thread);

        latest.Should().NotBeNull();
        latest!.Key.Should().Be(Key("r2"));
        latest.StartedAt.ToUnixTimeMilliseconds().Should().Be(startedAt.AddSeconds(1).ToUnixTimeMilliseconds());
        Text(latest.Conversation).Should().Be("""{"messages":[{"id":"m2","role":"user","content":"é ✓"}],"state":{"n":2}}""");
    }

    [Fact]
    public async Task GetLatestRun_RunsCreatedOutOfStartOrder_IsTheLastCreated()
    {
        var log = CreateLog();
        var now = DateTimeOffset.UtcNow;
        await log.CreateAsync(Start("first", now));
        await log.CreateAsync(Start("second", now - TimeSpan.FromSeconds(10))); // its instance's clock is behind

        (await log.GetLatestRunAsync(Thread))!.Key.Should().Be(Key("second"));
        (await CreateSecondInstance(log).GetLatestRunAsync(Thread))!.Key.Should().Be(Key("second"));
    }

    [Fact]
    public async Task GetLatestRun_LastCreatedRunDropped_IsNone_NotAnOlderRun()
    {
        var log = CreateLog();
        var now = DateTimeOffset.UtcNow;
        await log.CreateAsync(Start("older", now));
        await log.CreateAsync(Start("newest", now - Retention - TimeSpan.FromMinutes(1)));

        await ApplyRetentionAsync(log, now);

        (await log.ReadAsync(Key("newest"), 0, 10)).Status.Should().Be(RunLogStatus.Expired);
        await ShouldHold(log, Key("older"), RunLogStatus.Open);
        (await log.GetLatestRunAsync(Thread)).Should().BeNull("the older run's log lacks what came after it");
        (await CreateSecondInstance(log).GetLatestRunAsync(Thread)).Should().BeNull();
    }

    [Fact]
    public async Task GetLatestRun_NoRunOrAnotherOwner_ReturnsNull()
    {
        var log = CreateLog();
        await log.CreateAsync(Start("r1"));

        (await log.GetLatestRunAsync(Thread with { ThreadId = "none" })).Should().BeNull();
        (await log.GetLatestRunAsync(Thread with { Owner = "mallory" })).Should().BeNull();
    }

    [Fact]
    public async Task LargeEvents_OneMegabyte_RoundTripByteForByte()
    {
        var log = CreateLog();
        var big = LargeJson(1024 * 1024, seed: 1);
        var conversation = LargeJson(256 * 1024, seed: 2);
        await log.CreateAsync(Start("r1", conversation: conversation));

        await log.AppendAsync(Key("r1"), [Entry(1), new RunLogEntry(2, Encoding.UTF8.GetBytes(big), false), Entry(3)]);
        var terminal = await log.FinishAsync(Key("r1"), Encoding.UTF8.GetBytes(big));

        var read = await CreateSecondInstance(log).ReadAsync(Key("r1"), 1, 100);
        read.Entries.Select(e => e.Id).Should().Equal(2, 3, 4);
        read.Entries[0].Event.ToArray().Should().Equal(Encoding.UTF8.GetBytes(big));
        read.Entries[2].Event.ToArray().Should().Equal(Encoding.UTF8.GetBytes(big));
        terminal!.Value.Event.ToArray().Should().Equal(Encoding.UTF8.GetBytes(big));
        (await log.GetLatestRunAsync(Thread))!.Conversation.ToArray().Should().Equal(Encoding.UTF8.GetBytes(conversation));
    }

    [Fact]
    public async Task Retention_RunOlderThanRetention_ReadsExpiredAndRefusesEverything()
    {
        var log = CreateLog();
        var now = DateTimeOffset.UtcNow;
        // Created already past retention: a log whose retention is a key TTL drops it at once, one that sweeps at the sweep.
        await log.CreateAsync(Start("old", now - Retention - TimeSpan.FromMinutes(1)));
        await log.CreateAsync(Start("new", now));
        await log.AppendAsync(Key("new"), [Entry(1)]);

        await ApplyRetentionAsync(log, now);

        var old = await log.ReadAsync(Key("old"), 0, 10);
        old.Status.Should().Be(RunLogStatus.Expired);
        old.Entries.Should().BeEmpty();
        (await log.FinishAsync(Key("old"), Encoding.UTF8.GetBytes(Event(99)))).Should().BeNull();
        var append = async () => await log.AppendAsync(Key("old"), [Entry(3)]);
        await append.Should().ThrowAsync<InvalidOperationException>();
        (await log.CreateAsync(Start("old", now))).Should().BeFalse();
        (await log.WaitAsync(Key("old"), 0, TimeSpan.FromMinutes(1))).Should().BeTrue();
        (await log.ReadAsync(Key("old"), 0, 10)).Status.Should().Be(RunLogStatus.Expired);

        await ShouldHold(log, Key("new"), RunLogStatus.Open, 1);
        (await log.GetLatestRunAsync(Thread))!.Key.Should().Be(Key("new"));
    }

    [Fact]
    public async Task Retention_OnlyRunExpired_GetLatestRunReturnsNull()
    {
        var log = CreateLog();
        var now = DateTimeOffset.UtcNow;
        await log.CreateAsync(Start("old", now - Retention - TimeSpan.FromMinutes(1)));

        await ApplyRetentionAsync(log, now);

        (await log.GetLatestRunAsync(Thread)).Should().BeNull();
        (await log.ReadAsync(Key("old"), 0, 10)).Status.Should().Be(RunLogStatus.Expired);
    }

    /// <summary>The run <paramref name="runId"/> of the contract's thread.</summary>
    protected static RunLogKey Key(string runId) => new(Thread, runId);

    /// <summary>A start of <paramref name="runId"/> on the contract's thread.</summary>
    protected static RunLogStart Start(string runId, DateTimeOffset? startedAt = null, string conversation = """{"messages":[]}""") =>
        new() { Key = Key(runId), StartedAt = startedAt ?? DateTimeOffset.UtcNow, Conversation = Encoding.UTF8.GetBytes(conversation) };

    /// <summary>An entry whose event is <see cref="Event"/>(<paramref name="id"/>).</summary>
    protected static RunLogEntry Entry(long id, bool terminal = false) => new(id, Encoding.UTF8.GetBytes(Event(id)), terminal);

    /// <summary>A small event naming <paramref name="id"/>, with a character outside ASCII.</summary>
    protected static string Event(long id) => $$"""{"type":"TEXT_MESSAGE_CONTENT","messageId":"m1","delta":"n° {{id}}"}""";

    /// <summary>UTF-8 bytes as text.</summary>
    protected static string Text(ReadOnlyMemory<byte> utf8) => Encoding.UTF8.GetString(utf8.Span);

    /// <summary>A JSON event of about <paramref name="bytes"/> bytes whose delta mixes one-, two- and three-byte characters.</summary>
    protected static string LargeJson(int bytes, int seed)
    {
        var random = new Random(seed);
        var builder = new StringBuilder(bytes);
        builder.Append("""{"type":"TEXT_MESSAGE_CONTENT","messageId":"m1","delta":" """);
        const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 éüß€✓漢字";
        var size = builder.Length;
        while (size < bytes)
        {
            var c = Alphabet[random.Next(Alphabet.Length)];
            builder.Append(c);
            size += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
        }

        return builder.Append("\"}").ToString();
    }

    /// <summary>Asserts the log's status and exactly the ids it holds.</summary>
    protected static async Task ShouldHold(IRunEventLog log, RunLogKey key, RunLogStatus status, params long[] ids)
    {
        var read = await log.ReadAsync(key, 0, 1_000);
        read.Status.Should().Be(status);
        read.Entries.Select(e => e.Id).Should().Equal(ids);
        read.LastId.Should().Be(ids.Length == 0 ? 0 : ids[^1]);
    }
}
