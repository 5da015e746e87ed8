using System.Collections.Concurrent;
using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.Tests.Threads;

/// <summary>
/// <see cref="CompareAndSwapThreadStore"/>'s remembered records: loads skipped while this instance's record is current,
/// and a stale record (another instance wrote) costing one failed swap and a load, never a wrong write.
/// </summary>
public sealed class RememberedRecordTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private static readonly ThreadKey Key = new("agent", "owner", "thread");

    [Fact]
    public async Task Chat_BeginAfterCompleteOnTheSameInstance_SwapsWithoutLoading()
    {
        var a = new CountingStore(new(), cachedRecords: 16);

        await RunAsync(a, "r1");
        var loadsAfterFirstRun = a.Loads;
        await RunAsync(a, "r2");
        await RunAsync(a, "r3");

        loadsAfterFirstRun.Should().Be(1, "only the first begin finds nothing remembered");
        a.Loads.Should().Be(1);
        a.Swaps.Should().Be(6);
        a.FailedSwaps.Should().Be(0);
        (await a.GetAsync(Key))!.Version.Should().Be(6);
    }

    [Fact]
    public async Task WithoutRememberedRecords_EveryWriteLoadsFirst()
    {
        var a = new CountingStore(new(), cachedRecords: 0);

        await RunAsync(a, "r1");
        await RunAsync(a, "r2");

        a.Loads.Should().Be(4);
        a.Swaps.Should().Be(4);
    }

    [Fact]
    public async Task StaleRecord_AnotherInstanceWrote_OneFailedSwapThenALoad_AndTheWriteBuildsOnTheNewest()
    {
        var threads = new ConcurrentDictionary<ThreadKey, ThreadRecord>();
        var a = new CountingStore(threads, cachedRecords: 16);
        var b = new CountingStore(threads, cachedRecords: 16);
        await RunAsync(a, "r1");
        await RunAsync(b, "r2");
        var (loads, swaps) = (a.Loads, a.Swaps);

        var begun = await a.BeginRunAsync(Begin("r3", T0));

        begun.Succeeded.Should().BeTrue(begun.Error?.Message);
        a.FailedSwaps.Should().Be(1);
        a.Loads.Should().Be(loads + 1);
        a.Swaps.Should().Be(swaps + 2);
        var stored = threads[Key];
        stored.Version.Should().Be(5);
        stored.Lease!.RunId.Should().Be("r3");

        // Now remembered again: the complete needs no load.
        (await a.CompleteRunAsync(Complete("r3"))).Succeeded.Should().BeTrue();
        a.Loads.Should().Be(loads + 1);
    }

    [Fact]
    public async Task StaleRecord_ARefusalOnIt_IsCheckedOnALoadedRecord_WithoutAFailedSwap()
    {
        var threads = new ConcurrentDictionary<ThreadKey, ThreadRecord>();
        var a = new CountingStore(threads, cachedRecords: 16);
        var b = new CountingStore(threads, cachedRecords: 16);
        (await a.BeginRunAsync(Begin("r1", T0))).Succeeded.Should().BeTrue();
        (await b.CompleteRunAsync(Complete("r1"))).Succeeded.Should().BeTrue(); // a still remembers r1's live lease.
        var loads = a.Loads;

        var begun = await a.BeginRunAsync(Begin("r2", T0));

        begun.Succeeded.Should().BeTrue(begun.Error?.Message);
        a.Loads.Should().Be(loads + 1);
        a.FailedSwaps.Should().Be(0);
    }

    [Fact]
    public async Task RecordOlderThanTheWindow_IsNotUsed()
    {
        var a = new CountingStore(new(), cachedRecords: 16, window: TimeSpan.FromHours(1));
        await RunAsync(a, "r1");

        var withinWindow = await a.BeginRunAsync(Begin("r2", T0 + TimeSpan.FromMinutes(59)));
        (await a.CompleteRunAsync(Complete("r2", T0 + TimeSpan.FromMinutes(59)))).Succeeded.Should().BeTrue();
        var loadsWithin = a.Loads;
        var pastWindow = await a.BeginRunAsync(Begin("r3", T0 + TimeSpan.FromMinutes(59) + TimeSpan.FromHours(1)));

        withinWindow.Succeeded.Should().BeTrue();
        pastWindow.Succeeded.Should().BeTrue();
        loadsWithin.Should().Be(1);
        a.Loads.Should().Be(2);
    }

    [Fact]
    public async Task FailedWrite_ForgetsTheRecord_SoTheNextWriteLoads()
    {
        var a = new CountingStore(new(), cachedRecords: 16);
        await RunAsync(a, "r1");
        a.FailNextSwap = true;

        var failing = async () => await a.BeginRunAsync(Begin("r2", T0));

        await failing.Should().ThrowAsync<ThreadStoreUnavailableException>();
        (await a.BeginRunAsync(Begin("r2", T0))).Succeeded.Should().BeTrue();
        a.Loads.Should().Be(2);
    }

    [Fact]
    public async Task GuessingNew_ANewThreadsFirstRun_WritesWithoutLoading()
    {
        var a = new CountingStore(new(), cachedRecords: 16) { GuessNew = true };

        await RunAsync(a, "r1");

        a.Loads.Should().Be(0);
        a.Swaps.Should().Be(2);
        a.FailedSwaps.Should().Be(0);
        (await a.GetAsync(Key))!.Version.Should().Be(2);
    }

    [Fact]
    public async Task GuessingNew_AThreadAnotherInstanceCreated_OneFailedInsertThenALoad_AndTheBeginSeesItsLease()
    {
        var threads = new ConcurrentDictionary<ThreadKey, ThreadRecord>();
        var a = new CountingStore(threads, cachedRecords: 16) { GuessNew = true };
        var b = new CountingStore(threads, cachedRecords: 16);
        (await b.BeginRunAsync(Begin("r1", T0))).Succeeded.Should().BeTrue();

        var begun = await a.BeginRunAsync(Begin("r2", T0));

        begun.Succeeded.Should().BeFalse();
        begun.Error!.Code.Should().Be(ThreadErrorCodes.ThreadBusy);
        a.FailedSwaps.Should().Be(1);
        a.Loads.Should().Be(1);
        threads[Key].Lease!.RunId.Should().Be("r1");
    }

    [Fact]
    public async Task GuessingNew_ARefusalOnTheGuess_IsCheckedOnALoadedRecord()
    {
        var threads = new ConcurrentDictionary<ThreadKey, ThreadRecord>();
        var a = new CountingStore(threads, cachedRecords: 16) { GuessNew = true };
        var b = new CountingStore(threads, cachedRecords: 16);
        (await b.BeginRunAsync(Begin("r1", T0))).Succeeded.Should().BeTrue();

        // On no record the complete is refused; the thread exists, with r1's lease, so it must complete.
        var completed = await a.CompleteRunAsync(Complete("r1"));

        completed.Succeeded.Should().BeTrue(completed.Error?.Message);
        a.Loads.Should().Be(1);
        a.FailedSwaps.Should().Be(0);
        threads[Key].Lease.Should().BeNull();
    }

    [Fact]
    public async Task GuessingNew_WithoutRememberedRecords_IsIgnored_EveryWriteLoadsFirst()
    {
        var a = new CountingStore(new(), cachedRecords: 0) { GuessNew = true };

        await RunAsync(a, "r1");
        await RunAsync(a, "r2");

        a.Loads.Should().Be(4);
        a.FailedSwaps.Should().Be(0);
    }

    [Fact]
    public void Cache_HoldsAtMostItsCapacity_DroppingTheLeastRecentlyUsed()
    {
        var cache = new ThreadRecordCache(capacity: 2, window: TimeSpan.FromDays(1));
        var records = Enumerable.Range(1, 3).Select(i => Record(new ThreadKey("a", "o", $"t{i}"), version: 1)).ToArray();

        cache.Set(records[0]);
        cache.Set(records[1]);
        cache.Get(records[0].Key, T0).Should().BeSameAs(records[0]); // t1 now more recent than t2
        cache.Set(records[2]);

        cache.Count.Should().Be(2);
        cache.Get(records[1].Key, T0).Should().BeNull();
        cache.Get(records[0].Key, T0).Should().BeSameAs(records[0]);
        cache.Get(records[2].Key, T0).Should().BeSameAs(records[2]);
    }

    [Fact]
    public void Cache_KeepsTheNewerVersion_WhenAnOlderOneArrivesLate()
    {
        var cache = new ThreadRecordCache(capacity: 2, window: TimeSpan.FromDays(1));
        var newer = Record(Key, version: 3);

        cache.Set(newer);
        cache.Set(Record(Key, version: 2));

        cache.Get(Key, T0).Should().BeSameAs(newer);
    }

    private static ThreadRecord Record(ThreadKey key, long version) => new() { Key = key, Version = version, CreatedAt = T0, UpdatedAt = T0 };

    private static async Task RunAsync(IThreadStore store, string runId)
    {
        (await store.BeginRunAsync(Begin(runId, T0))).Succeeded.Should().BeTrue();
        (await store.CompleteRunAsync(Complete(runId))).Succeeded.Should().BeTrue();
    }

    private static BeginRunRequest Begin(string runId, DateTimeOffset now) =>
        new() { Key = Key, RunId = runId, InstanceId = "test", LeaseDuration = Lease, Now = now };

    private static CompleteRunRequest Complete(string runId) => Complete(runId, T0);

    private static CompleteRunRequest Complete(string runId, DateTimeOffset now) =>
        new() { Key = Key, RunId = runId, Completion = RunCompletion.Succeeded, Now = now };

    // A store over a dictionary shared by its instances (the processes' shared database), comparing versions as the
    // SQLite and Redis stores do, and counting what a network store would pay a round trip for.
    private sealed class CountingStore(ConcurrentDictionary<ThreadKey, ThreadRecord> threads, int cachedRecords, TimeSpan? window = null)
        : CompareAndSwapThreadStore("counting", logger: null, cachedRecords, window ?? TimeSpan.FromDays(1))
    {
        private readonly Lock _gate = new();

        public int Loads { get; private set; }

        public bool GuessNew
        {
            init => GuessesUnrememberedThreadsNew = value;
        }

        public int Swaps { get; private set; }

        public int FailedSwaps { get; private set; }

        public bool FailNextSwap { get; set; }

        public override ValueTask<ThreadRecord?> GetAsync(ThreadKey key, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(threads.TryGetValue(key, out var record) ? record : null);

        protected override ValueTask<ThreadRecord?> LoadAsync(ThreadKey key, CancellationToken cancellationToken)
        {
            Loads++;
            return GetAsync(key, cancellationToken);
        }

        protected override ValueTask<bool> TrySwapAsync(ThreadKey key, ThreadRecord? current, ThreadRecord next, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                Swaps++;
                if (FailNextSwap)
                {
                    FailNextSwap = false;
                    throw new ThreadStoreUnavailableException("The test store failed a write.");
                }

                var stored = threads.TryGetValue(key, out var record) ? record : null;
                if (stored?.Version != current?.Version)
                {
                    FailedSwaps++;
                    return ValueTask.FromResult(false);
                }

                threads[key] = next;
                return ValueTask.FromResult(true);
            }
        }
    }
}
