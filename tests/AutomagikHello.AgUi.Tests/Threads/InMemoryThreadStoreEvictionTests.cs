using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.Tests.Threads;

/// <summary>
/// The in-memory store's cap on idle threads: it holds, it forgets the least recently updated first, it never forgets
/// a thread with pending interrupts or a run lease, and per-thread compare-and-swap stays exact while it evicts.
/// </summary>
public sealed class InMemoryThreadStoreEvictionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(InMemoryThreadStoreOptions.MaxIdleThreadsLimit + 1)]
    public void Options_MaxIdleThreadsOutOfRange_AreRefusedNamingTheSetting(int max)
    {
        var create = () => new InMemoryThreadStore(new InMemoryThreadStoreOptions { MaxIdleThreads = max });

        create.Should().Throw<ArgumentException>().WithMessage("*MaxIdleThreads*");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(InMemoryThreadStoreOptions.MaxIdleThreadsLimit)]
    public void Options_MaxIdleThreadsAtTheBounds_AreAccepted(int max)
    {
        var create = () => new InMemoryThreadStore(new InMemoryThreadStoreOptions { MaxIdleThreads = max });

        create.Should().NotThrow();
    }

    [Fact]
    public void Options_Default_IsOneThousand() => new InMemoryThreadStoreOptions().MaxIdleThreads.Should().Be(1_000);

    [Fact]
    public async Task ManyIdleThreads_CapHolds_AndTheNewestAreKept()
    {
        var store = Store(max: 100);

        for (var n = 0; n < 5_000; n++)
        {
            await RunAsync(store, Key(n), T0.AddSeconds(n));
            store.Count.Should().BeLessThanOrEqualTo(125, "a sweep starts once the idle threads pass the cap by a quarter");
        }

        for (var n = 4_900; n < 5_000; n++)
        {
            (await store.GetAsync(Key(n))).Should().NotBeNull($"thread {n} is among the 100 most recently updated");
        }
    }

    [Fact]
    public async Task UpToTheThreshold_NothingIsForgotten()
    {
        var store = Store(max: 100);

        for (var n = 0; n < 125; n++)
        {
            await RunAsync(store, Key(n), T0.AddSeconds(n));
        }

        store.Count.Should().Be(125);
        (await store.GetAsync(Key(0))).Should().NotBeNull();
    }

    [Fact]
    public async Task ManyIdleThreadsInParallel_CapHolds()
    {
        var store = Store(max: 100);

        await Parallel.ForAsync(0, 20_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (n, _) => await RunAsync(store, Key(n), T0.AddTicks(n)));
        // Writers that pass the threshold while another sweeps go on without sweeping; the next one sweeps.
        await RunAsync(store, Key(-1), T0.AddDays(1));

        store.Count.Should().BeLessThanOrEqualTo(125);
        (await store.GetAsync(Key(-1))).Should().NotBeNull();
    }

    [Fact]
    public async Task LeastRecentlyUpdated_AreForgottenFirst()
    {
        var store = Store(max: 10);
        for (var n = 0; n < 10; n++)
        {
            await RunAsync(store, Key(n), T0.AddSeconds(n));
        }

        await RunAsync(store, Key(0), T0.AddSeconds(100), runId: "again"); // thread 0 is now the most recent
        for (var n = 10; n < 13; n++)
        {
            await RunAsync(store, Key(n), T0.AddSeconds(n)); // the 13th idle thread passes the threshold (12)
        }

        store.Count.Should().Be(10);
        (await store.GetAsync(Key(0))).Should().NotBeNull("it was updated last");
        foreach (var n in new[] { 1, 2, 3 })
        {
            (await store.GetAsync(Key(n))).Should().BeNull($"thread {n} was among the three least recently updated");
        }

        for (var n = 4; n < 13; n++)
        {
            (await store.GetAsync(Key(n))).Should().NotBeNull();
        }
    }

    [Fact]
    public async Task PendingAndLeasedThreads_AreNeverForgotten_HoweverOldOrMany()
    {
        var store = Store(max: 1);
        for (var n = 0; n < 50; n++)
        {
            await InterruptAsync(store, Key(1_000 + n), $"i{n}", T0.AddSeconds(n));
            (await store.BeginRunAsync(Begin(Key(2_000 + n), "held", T0.AddSeconds(n)))).Succeeded.Should().BeTrue();
        }

        for (var n = 0; n < 500; n++)
        {
            await RunAsync(store, Key(n), T0.AddHours(1).AddSeconds(n));
        }

        for (var n = 0; n < 50; n++)
        {
            (await store.GetAsync(Key(1_000 + n)))!.Pending.Should().ContainSingle();
            (await store.GetAsync(Key(2_000 + n)))!.Lease!.RunId.Should().Be("held");
        }

        store.Count.Should().BeLessThanOrEqualTo(100 + 2);
    }

    [Fact]
    public async Task ExpiredLease_OnAnIdleThread_IsAlsoKept_UntilARunCompletes()
    {
        // The cap counts threads without a lease: a lapsed lease still names its run, which may yet complete.
        var store = Store(max: 1);
        (await store.BeginRunAsync(Begin(Key(-1), "stale", T0))).Succeeded.Should().BeTrue();

        for (var n = 0; n < 100; n++)
        {
            await RunAsync(store, Key(n), T0 + Lease + TimeSpan.FromSeconds(n + 1));
        }

        (await store.GetAsync(Key(-1)))!.Lease!.RunId.Should().Be("stale");
    }

    [Fact]
    public async Task ThreadAnsweredAfterBeingInterrupted_BecomesIdle_AndCanThenBeForgotten()
    {
        var store = Store(max: 1);
        var key = Key(-1);
        await InterruptAsync(store, key, "i1", T0);
        (await store.BeginRunAsync(Begin(key, "r2", T0.AddSeconds(1), new ResumeEntry { InterruptId = "i1", Status = ResumeStatus.Cancelled }))).Succeeded.Should().BeTrue();
        (await store.CompleteRunAsync(Complete(key, "r2", T0.AddSeconds(1)))).Succeeded.Should().BeTrue();

        for (var n = 0; n < 3; n++)
        {
            await RunAsync(store, Key(n), T0.AddSeconds(10 + n));
        }

        (await store.GetAsync(key)).Should().BeNull();
    }

    [Fact]
    public async Task ConcurrentBegins_OnOneThread_HaveExactlyOneWinner_WhileEvictionRuns()
    {
        var store = Store(max: 1);
        using var stop = new CancellationTokenSource();
        var churn = Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                await RunAsync(store, Key(100_000 + n), T0.AddDays(2).AddTicks(n)); // newer: the contested thread goes first
            }
        });
        var key = Key(-1);
        var now = T0.AddDays(1);

        for (var round = 0; round < 200; round++)
        {
            // Half the rounds resume a pending interrupt (never evicted), half begin on an idle thread (which may
            // have been forgotten meanwhile): either way exactly one begin wins.
            var resume = round % 2 == 1;
            var entry = new ResumeEntry { InterruptId = $"i{round - 1}", Status = ResumeStatus.Cancelled };
            var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(c => Task.Run(async () =>
                await store.BeginRunAsync(resume ? Begin(key, $"r{round}-{c}", now, entry) : Begin(key, $"r{round}-{c}", now)))));

            var winners = results.Where(r => r.Succeeded).ToList();
            winners.Should().ContainSingle($"round {round}");
            results.Where(r => !r.Succeeded).Select(r => r.Error!.Code).Should().OnlyContain(code => code == ThreadErrorCodes.ThreadBusy);
            var runId = winners[0].Record!.Lease!.RunId;
            var completion = round % 2 == 0
                ? Interrupted(key, runId, $"i{round}", now)
                : Complete(key, runId, now);
            (await store.CompleteRunAsync(completion)).Succeeded.Should().BeTrue($"round {round}");
        }

        await stop.CancelAsync();
        await churn;
        store.Count.Should().BeGreaterThan(0);
    }

    private static InMemoryThreadStore Store(int max) => new(new InMemoryThreadStoreOptions { MaxIdleThreads = max });

    private static ThreadKey Key(int n) => new("agent", "owner", $"t{n}");

    private static BeginRunRequest Begin(ThreadKey key, string runId, DateTimeOffset now, params ResumeEntry[] resume) => new()
    {
        Key = key, RunId = runId, InstanceId = "i", LeaseDuration = Lease, Now = now, Resume = resume,
    };

    private static CompleteRunRequest Complete(ThreadKey key, string runId, DateTimeOffset now) => new()
    {
        Key = key, RunId = runId, Completion = RunCompletion.Succeeded, Now = now,
    };

    private static CompleteRunRequest Interrupted(ThreadKey key, string runId, string interruptId, DateTimeOffset now) => new()
    {
        Key = key, RunId = runId, Completion = RunCompletion.Interrupted, Now = now,
        NewInterrupts = [new PendingInterrupt { Interrupt = new Interrupt { Id = interruptId, Reason = "confirmation" }, RaisedByRunId = runId }],
    };

    private static async Task RunAsync(IThreadStore store, ThreadKey key, DateTimeOffset now, string runId = "r")
    {
        (await store.BeginRunAsync(Begin(key, runId, now))).Succeeded.Should().BeTrue();
        (await store.CompleteRunAsync(Complete(key, runId, now))).Succeeded.Should().BeTrue();
    }

    private static async Task InterruptAsync(IThreadStore store, ThreadKey key, string interruptId, DateTimeOffset now)
    {
        (await store.BeginRunAsync(Begin(key, "raise", now))).Succeeded.Should().BeTrue();
        (await store.CompleteRunAsync(Interrupted(key, "raise", interruptId, now))).Succeeded.Should().BeTrue();
    }
}
