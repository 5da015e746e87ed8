using System.Diagnostics;
using System.Globalization;
using System.Text;
using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Threads;

/// <summary>
/// What the run event log costs a 100-event run, against the thread store's own cost of that run (begin + complete on a
/// new thread, no resume) measured in the same process, same round: the log-off run. Four workloads per round, each
/// over its own runs: the thread store alone; the store plus the log written in one batch (create, one append of 100
/// events, the last one terminal: a sink that writes behind); as the SSE sink flushes (create, then 10 appends of 10);
/// event by event (create, 99 single appends, then FinishAsync). Then a reader's read-after: a 50-event page from the middle of a finished run, and the
/// wake-up of a reader waiting on another instance (another store and log on the same file, or another connection) for
/// the next append.
/// </summary>
internal static class EventLogBenchmark
{
    private static readonly byte[][] Events = [.. Enumerable.Range(1, 100).Select(i => Encoding.UTF8.GetBytes(
        $$"""{"type":"TEXT_MESSAGE_CONTENT","messageId":"m-1","delta":"token {{i}} of a streamed answer, about a hundred bytes"}"""))];

    private static readonly byte[] Conversation = Encoding.UTF8.GetBytes(
        """{"messages":[{"id":"u1","role":"user","content":"Summarise the quarterly report in three bullet points, please."}],"state":null}""");

    public static async Task MeasureAsync(string name, IThreadStore store, IRunEventLog log, IRunEventLog otherInstance, int runs, int rounds)
    {
        var cpu = new Dictionary<string, List<double>> { ["off"] = [], ["1x100"] = [], ["10x10"] = [], ["100x1"] = [] };
        var wall = new Dictionary<string, List<double>> { ["off"] = [], ["1x100"] = [], ["10x10"] = [], ["100x1"] = [] };
        for (var round = 0; round <= rounds; round++)
        {
            var prefix = $"{round}-{Guid.NewGuid():N}";
            foreach (var (mode, run) in new (string, Func<ThreadKey, Task>)[]
            {
                ("off", key => StoreRun(store, key)),
                ("1x100", async key =>
                {
                    await StoreRun(store, key);
                    await LogBatched(log, key, 100);
                }),
                ("10x10", async key =>
                {
                    await StoreRun(store, key);
                    await LogBatched(log, key, 10);
                }),
                ("100x1", async key =>
                {
                    await StoreRun(store, key);
                    await LogSingly(log, key);
                }),
            })
            {
                var (cpuPerRun, wallPerRun) = await Time(runs, i => run(new ThreadKey("bench", "owner", $"{prefix}-{mode}-{i}")));
                if (round > 0)
                {
                    cpu[mode].Add(cpuPerRun);
                    wall[mode].Add(wallPerRun);
                }
            }
        }

        var off = Median(cpu["off"]);
        foreach (var mode in new[] { "off", "1x100", "10x10", "100x1" })
        {
            var c = Median(cpu[mode]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {Label(mode)} | {c:0.0} µs | **{c / off:0.00}×** | {Median(wall[mode]):0.000} ms |"));
        }

        // Reads: a page of 50 from a finished 100-event run, and another instance woken by the next append.
        var key = new ThreadKey("bench", "owner", $"read-{Guid.NewGuid():N}");
        await LogBatched(log, key, 10);
        var runKey = new RunLogKey(key, "r1");
        var reads = new List<double>();
        for (var i = 0; i < 2_200; i++)
        {
            var t = Stopwatch.GetTimestamp();
            var read = await otherInstance.ReadAsync(runKey, 50, 50);
            if (read.Entries.Count != 50)
            {
                throw new InvalidOperationException("The read-after page is short.");
            }

            if (i >= 200)
            {
                reads.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        }

        var wakes = await WakeLatencies(log, otherInstance, 200);
        reads.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"|   {name}, reader | read 50 after id 50: p50 {Percentile(reads, 0.5):0.000} ms, p99 {Percentile(reads, 0.99):0.000} ms | append on one instance → wait returns on the other: p50 {Percentile(wakes, 0.5):0.000} ms, p99 {Percentile(wakes, 0.99):0.000} ms | | |"));
    }

    private static string Label(string mode) => mode switch
    {
        "off" => "log off: thread store begin + complete (baseline)",
        "1x100" => "+ log: create, 1 append of 100",
        "10x10" => "+ log: create, 10 appends of 10",
        _ => "+ log: create, 99 single appends, finish",
    };

    private static async Task StoreRun(IThreadStore store, ThreadKey key)
    {
        var now = DateTimeOffset.UtcNow;
        var begun = await store.BeginRunAsync(new BeginRunRequest { Key = key, RunId = "r1", InstanceId = "bench", LeaseDuration = TimeSpan.FromMinutes(5), Now = now });
        if (!begun.Succeeded)
        {
            throw new InvalidOperationException(begun.Error!.Message);
        }

        var completed = await store.CompleteRunAsync(new CompleteRunRequest { Key = key, RunId = "r1", Completion = RunCompletion.Succeeded, Now = now });
        if (!completed.Succeeded)
        {
            throw new InvalidOperationException(completed.Error!.Message);
        }
    }

    private static async Task LogBatched(IRunEventLog log, ThreadKey thread, int batchSize)
    {
        var key = new RunLogKey(thread, "r1");
        await log.CreateAsync(new RunLogStart { Key = key, StartedAt = DateTimeOffset.UtcNow, Conversation = Conversation });
        var batch = new RunLogEntry[batchSize];
        for (var b = 0; b < 100 / batchSize; b++)
        {
            for (var i = 0; i < batchSize; i++)
            {
                var id = (b * batchSize) + i + 1;
                batch[i] = new RunLogEntry(id, Events[id - 1], id == 100);
            }

            await log.AppendAsync(key, batch);
        }
    }

    private static async Task LogSingly(IRunEventLog log, ThreadKey thread)
    {
        var key = new RunLogKey(thread, "r1");
        await log.CreateAsync(new RunLogStart { Key = key, StartedAt = DateTimeOffset.UtcNow, Conversation = Conversation });
        var one = new RunLogEntry[1];
        for (var id = 1; id < 100; id++)
        {
            one[0] = new RunLogEntry(id, Events[id - 1], false);
            await log.AppendAsync(key, one);
        }

        await log.FinishAsync(key, Events[99]);
    }

    private static async Task<List<double>> WakeLatencies(IRunEventLog writer, IRunEventLog reader, int samples)
    {
        var key = new RunLogKey(new ThreadKey("bench", "owner", $"wake-{Guid.NewGuid():N}"), "r1");
        await writer.CreateAsync(new RunLogStart { Key = key, StartedAt = DateTimeOffset.UtcNow, Conversation = Conversation });
        var latencies = new List<double>();
        var one = new RunLogEntry[1];
        for (var id = 1; id <= samples + 20; id++)
        {
            var waiting = reader.WaitAsync(key, id - 1, TimeSpan.FromSeconds(10)).AsTask();
            await Task.Delay(2); // the waiter is registered and waiting
            var t = Stopwatch.GetTimestamp();
            one[0] = new RunLogEntry(id, Events[id % 100], false);
            await writer.AppendAsync(key, one);
            if (!await waiting)
            {
                throw new InvalidOperationException("The reader was not woken.");
            }

            if (id > 20)
            {
                latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        }

        latencies.Sort();
        return latencies;
    }

    // Runs `runs` runs one after another; process CPU (all threads) and wall time per run.
    private static async Task<(double CpuMicroseconds, double WallMilliseconds)> Time(int runs, Func<int, Task> run)
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < runs; i++)
        {
            await run(i);
        }

        var wall = Stopwatch.GetElapsedTime(started).TotalMilliseconds / runs;
        process.Refresh();
        return ((process.TotalProcessorTime - cpuBefore).TotalMicroseconds / runs, wall);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
}
