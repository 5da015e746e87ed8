using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AutomagikHello.AgUi;
using AutomagikHello.AgUi.Redis;
using AutomagikHello.AgUi.Sqlite;
using AutomagikHello.AgUi.Threads;
using StackExchange.Redis;

// Thread-store throughput: one "run" is BeginRunAsync resuming one pending tool-approval interrupt (payload checked
// against its responseSchema) followed by CompleteRunAsync(Succeeded). Every run uses its own thread, seeded beforehand
// (untimed) with the interrupt, so records stay the size they have in service. The in-memory store is measured in the
// same process as the baseline: it is the cost of the contract itself (validation, transitions, no I/O).
//
// Usage: StoreBenchmarks [--redis host:port] [--sqlite-runs N] [--redis-runs N] [--rounds N] [--only memory,sqlite,redis,bus,eventlog]
//        [--eventlog-runs N] (runs per workload and round of the run event log section, EventLogBenchmark.cs)
//        [--cached-records N] (the stores' CachedRecords; default the library's: each run's thread was seeded
//        beforehand, so only the last CachedRecords seeded threads are still remembered when the round starts)
var settings = Settings.Parse(args);
Console.WriteLine($"# Thread-store benchmark, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}");
Console.WriteLine($"# {settings.Rounds} measured rounds after one warm-up round; the median round is reported. CachedRecords: {settings.CachedRecords?.ToString(CultureInfo.InvariantCulture) ?? "default"}.");
Console.WriteLine();
Console.WriteLine("| store | callers | runs/round | runs/s (median) | min–max runs/s | run p50 | run p99 | CPU per run (median) |");
Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");

if (settings.Includes("memory"))
{
    var memory = new InMemoryThreadStore();
    await Measure("in-memory (baseline)", memory, callers: 1, settings.SqliteRuns, settings);
    await Measure("in-memory (baseline)", memory, callers: 32, settings.RedisRuns, settings);
}

if (settings.Includes("sqlite"))
{
    var folder = Path.Combine(Path.GetTempPath(), "agui-store-bench-" + Guid.NewGuid().ToString("N"));
    try
    {
        using (var sqlite = new SqliteThreadStore(WithCache(new SqliteThreadStoreOptions { ConnectionString = $"Data Source={Path.Combine(folder, "threads.db")}" }, settings)))
        {
            await Measure("SQLite (file, WAL, synchronous=NORMAL)", sqlite, callers: 1, settings.SqliteRuns, settings);
            await Measure("SQLite (file, WAL, synchronous=NORMAL)", sqlite, callers: 32, settings.SqliteRuns, settings);
        }

        using (var durable = new SqliteThreadStore(WithCache(new SqliteThreadStoreOptions { ConnectionString = $"Data Source={Path.Combine(folder, "durable.db")}", FlushEveryCommit = true }, settings)))
        {
            await Measure("SQLite (file, WAL, synchronous=FULL)", durable, callers: 32, Math.Max(1_000, settings.SqliteRuns / 10), settings);
        }
    }
    finally
    {
        Directory.Delete(folder, recursive: true);
    }
}

if (settings.Includes("redis") || settings.Includes("bus"))
{
    if (settings.Redis is null)
    {
        Console.Error.WriteLine("Redis skipped: pass --redis host:port (or set AGUI_REDIS).");
    }
    else
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(settings.Redis);
        var options = new RedisThreadStoreOptions { KeyPrefix = $"agui-bench:{Guid.NewGuid():N}:", Retention = TimeSpan.FromHours(1) };
        options.CachedRecords = settings.CachedRecords ?? options.CachedRecords;
        try
        {
            if (settings.Includes("redis"))
            {
                var store = new RedisThreadStore(redis, options);
                await Measure($"Redis (loopback, {settings.Redis})", store, callers: 1, settings.SqliteRuns, settings);
                await Measure($"Redis (loopback, {settings.Redis})", store, callers: 32, settings.RedisRuns, settings);
            }

            if (settings.Includes("bus"))
            {
                await MeasureBus(settings.Redis, options);
            }
        }
        finally
        {
            foreach (var server in redis.GetServers())
            {
                var keys = server.Keys(pattern: options.KeyPrefix + "*", pageSize: 1_000).ToArray();
                foreach (var chunk in keys.Chunk(1_000))
                {
                    await redis.GetDatabase().KeyDeleteAsync(chunk);
                }
            }
        }
    }
}

if (settings.Includes("eventlog"))
{
    Console.WriteLine();
    Console.WriteLine($"## Run event log, one 100-event run at a time ({settings.EventLogRuns:N0} runs per workload and round, the median round)");
    Console.WriteLine();
    Console.WriteLine("| store | workload | CPU per run | ratio to log off | wall per run |");
    Console.WriteLine("| --- | --- | ---: | ---: | ---: |");
    var folder = Path.Combine(Path.GetTempPath(), "agui-log-bench-" + Guid.NewGuid().ToString("N"));
    try
    {
        var file = Path.Combine(folder, "runs.db");
        using var sqlite = new SqliteThreadStore(new SqliteThreadStoreOptions { ConnectionString = $"Data Source={file}" });
        var sqliteLog = new SqliteRunEventLog(sqlite);
        // One process is the SQLite deployment: its readers wait on the writer's own log (woken at once, no polling).
        await EventLogBenchmark.MeasureAsync("SQLite (WAL, NORMAL)", sqlite, sqliteLog, sqliteLog, settings.EventLogRuns, settings.Rounds);
    }
    finally
    {
        Directory.Delete(folder, recursive: true);
    }

    if (settings.Redis is not null)
    {
        using var a = await ConnectionMultiplexer.ConnectAsync(settings.Redis);
        using var b = await ConnectionMultiplexer.ConnectAsync(settings.Redis);
        var options = new RedisThreadStoreOptions { KeyPrefix = $"agui-bench:{Guid.NewGuid():N}:", Retention = TimeSpan.FromHours(1) };
        try
        {
            await using var logA = new RedisRunEventLog(a, options);
            await using var logB = new RedisRunEventLog(b, options);
            await EventLogBenchmark.MeasureAsync($"Redis (loopback, {settings.Redis})", new RedisThreadStore(a, options), logA, logB, settings.EventLogRuns, settings.Rounds);
        }
        finally
        {
            foreach (var server in a.GetServers())
            {
                foreach (var chunk in server.Keys(pattern: options.KeyPrefix + "*", pageSize: 1_000).Chunk(1_000))
                {
                    await a.GetDatabase().KeyDeleteAsync(chunk);
                }
            }
        }
    }
}

return 0;

static SqliteThreadStoreOptions WithCache(SqliteThreadStoreOptions options, Settings settings)
{
    options.CachedRecords = settings.CachedRecords ?? options.CachedRecords;
    return options;
}

static async Task Measure(string name, IThreadStore store, int callers, int runs, Settings settings)
{
    var rates = new List<double>();
    var latencies = new List<double>();
    var cpuPerRun = new List<double>(); // process CPU (all threads) per run, µs: what a store costs, whatever else runs
    using var process = Process.GetCurrentProcess();
    for (var round = 0; round <= settings.Rounds; round++)
    {
        var prefix = $"{callers}-{round}-{Guid.NewGuid():N}";
        await Parallel.ForAsync(0, runs, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) => await Workload.Seed(store, Workload.Key(prefix, i)));
        var elapsed = new double[runs];
        var next = -1;
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < runs)
            {
                var t = Stopwatch.GetTimestamp();
                await Workload.Run(store, Workload.Key(prefix, i));
                elapsed[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalMicroseconds / runs;
        if (round == 0)
        {
            continue; // warm-up: JIT, connections, caches
        }

        rates.Add(runs / seconds);
        latencies.AddRange(elapsed);
        cpuPerRun.Add(cpu);
    }

    rates.Sort();
    latencies.Sort();
    cpuPerRun.Sort();
    var median = rates[rates.Count / 2];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {callers} | {runs:N0} | **{median:N0}** | {rates[0]:N0}–{rates[^1]:N0} | {Percentile(latencies, 0.50):0.000} ms | {Percentile(latencies, 0.99):0.000} ms | {cpuPerRun[cpuPerRun.Count / 2]:0.0} µs |"));
}

// Publish on one connection → handler called on another (what a cross-instance cancel adds before the run reacts).
static async Task MeasureBus(string address, RedisThreadStoreOptions options)
{
    using var a = await ConnectionMultiplexer.ConnectAsync(address);
    using var b = await ConnectionMultiplexer.ConnectAsync(address);
    var publisher = new RedisRunCancellationBus(a, options);
    TaskCompletionSource? pending = null;
    await using var subscription = await new RedisRunCancellationBus(b, options).SubscribeAsync(_ => Volatile.Read(ref pending)?.TrySetResult());
    var samples = new List<double>();
    for (var i = 0; i < 2_200; i++)
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref pending, received);
        var t = Stopwatch.GetTimestamp();
        await publisher.PublishAsync(new RunCancellation(new ThreadKey("bench", "owner", $"t{i}"), $"run-{i}"));
        await received.Task.WaitAsync(TimeSpan.FromSeconds(5));
        if (i >= 200)
        {
            samples.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
    }

    samples.Sort();
    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"Cancel bus, publish on one connection → handler on another, {samples.Count:N0} sequential messages: p50 {Percentile(samples, 0.50):0.000} ms, p99 {Percentile(samples, 0.99):0.000} ms, max {samples[^1]:0.000} ms."));
}

static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

internal static class Workload
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);
    private static readonly JsonElement Schema = JsonDocument.Parse(
        """{"type":"object","properties":{"approved":{"type":"boolean"},"editedArgs":{"type":"object"}},"required":["approved"]}""").RootElement;
    private static readonly ResumeEntry[] Resume =
        [new ResumeEntry { InterruptId = "i1", Status = ResumeStatus.Resolved, Payload = JsonDocument.Parse("""{"approved":true}""").RootElement }];

    public static ThreadKey Key(string prefix, int i) => new("approval", "owner-" + (i % 97).ToString(CultureInfo.InvariantCulture), $"{prefix}-{i}");

    public static async Task Seed(IThreadStore store, ThreadKey key)
    {
        Check((await store.BeginRunAsync(new BeginRunRequest { Key = key, RunId = "r0", InstanceId = "bench", LeaseDuration = Lease, Now = T0 })).Error);
        Check((await store.CompleteRunAsync(new CompleteRunRequest
        {
            Key = key,
            RunId = "r0",
            Completion = RunCompletion.Interrupted,
            Now = T0,
            NewInterrupts =
            [
                new PendingInterrupt
                {
                    Interrupt = new Interrupt { Id = "i1", Reason = InterruptReasons.ToolCall, ToolCallId = "call-1", Message = "Send the e-mail?", ResponseSchema = Schema },
                    RaisedByRunId = "r0",
                    ToolCallName = "sendEmail",
                    ToolCallArguments = """{"to":"someone@example.com","subject":"Quarterly report","body":"Please find the report attached."}""",
                },
            ],
        })).Error);
    }

    public static async Task Run(IThreadStore store, ThreadKey key)
    {
        var begun = await store.BeginRunAsync(new BeginRunRequest { Key = key, RunId = "r1", Resume = Resume, InstanceId = "bench", LeaseDuration = Lease, Now = T0 });
        Check(begun.Error);
        if (begun.Answers.Count != 1)
        {
            throw new InvalidOperationException("The run did not resume the interrupt.");
        }

        Check((await store.CompleteRunAsync(new CompleteRunRequest { Key = key, RunId = "r1", Completion = RunCompletion.Succeeded, Now = T0 })).Error);
    }

    private static void Check(ThreadStoreError? error)
    {
        if (error is not null)
        {
            throw new InvalidOperationException($"{error.Code}: {error.Message}");
        }
    }
}

internal sealed record Settings(string? Redis, int SqliteRuns, int RedisRuns, int Rounds, HashSet<string> Only, int? CachedRecords, int EventLogRuns)
{
    public bool Includes(string part) => Only.Count == 0 || Only.Contains(part);

    public static Settings Parse(string[] args)
    {
        string? redis = Environment.GetEnvironmentVariable("AGUI_REDIS");
        int sqliteRuns = 10_000, redisRuns = 40_000, rounds = 3;
        int? cachedRecords = null;
        var eventLogRuns = 300;
        var only = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--redis": redis = value; break;
                case "--sqlite-runs": sqliteRuns = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--redis-runs": redisRuns = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--eventlog-runs": eventLogRuns = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--cached-records": cachedRecords = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--only": only.UnionWith(value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)); break;
                default: throw new ArgumentException($"Unknown argument {args[i]}");
            }

            i++;
        }

        return new Settings(string.IsNullOrWhiteSpace(redis) ? null : redis, sqliteRuns, redisRuns, rounds, only, cachedRecords, eventLogRuns);
    }
}
