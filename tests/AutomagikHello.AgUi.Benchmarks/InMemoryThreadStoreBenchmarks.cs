using System.Text.Json;
using AutomagikHello.AgUi.Threads;
using BenchmarkDotNet.Attributes;

namespace AutomagikHello.AgUi.Benchmarks;

#pragma warning disable CA2012 // The in-memory store completes synchronously; awaiting would only measure the state machine.

/// <summary>
/// Begin + complete of a run that resumes one interrupt and raises the next (so every iteration starts from an
/// interrupted thread whose consumed-id memory is full), on the in-memory store. Baseline: begin + complete of a run
/// that resumes nothing. The schema variant validates a <c>{approved, editedArgs?}</c> payload with JsonSchema.Net.
/// Ids and the interrupts each run raises come from a ring built once (a thread forgets consumed ids long before one
/// comes round again), so the measure is the two requests and the store; <see cref="BuildRequestsOnly"/> is the
/// requests' share of it.
/// </summary>
[MemoryDiagnoser]
public class InMemoryThreadStoreBenchmarks
{
    private static readonly JsonElement Schema = JsonDocument.Parse("""{"type":"object","properties":{"approved":{"type":"boolean"},"editedArgs":{"type":"object"}},"required":["approved"]}""").RootElement;
    private static readonly JsonElement Payload = JsonDocument.Parse("""{"approved":true}""").RootElement;

    private readonly ThreadKey _idle = new("/agents/bench", "alice", "idle");
    private readonly ThreadKey _plain = new("/agents/bench", "alice", "plain");
    private readonly ThreadKey _schema = new("/agents/bench", "alice", "schema");
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private static readonly string[] RunIds = [.. Enumerable.Range(0, 256).Select(i => "r" + i)];
    private static readonly string[] InterruptIds = [.. Enumerable.Range(0, 256).Select(i => "int-" + i)];
    private static readonly PendingInterrupt[][] Raised = Ring(null);
    private static readonly PendingInterrupt[][] RaisedWithSchema = Ring(Schema);

    // More keys than the default cap (1,000) holds: by the time a key comes round again it has been forgotten.
    private static readonly ThreadKey[] NewThreads = [.. Enumerable.Range(0, 65_536).Select(i => new ThreadKey("/agents/bench", "alice", "t" + i))];

    private InMemoryThreadStore _store = null!;
    private InMemoryThreadStore _evicting = null!;
    private int _newThread;
    private int _n;
    private BeginRunRequest? _builtBegin;
    private CompleteRunRequest? _builtComplete;

    [GlobalSetup]
    public void Setup()
    {
        _store = new InMemoryThreadStore();
        _evicting = new InMemoryThreadStore();
        foreach (var (key, schema) in new[] { (_plain, (JsonElement?)null), (_schema, Schema) })
        {
            _store.BeginRunAsync(Begin(key, "r0", null)).AsTask().GetAwaiter().GetResult();
            _store.CompleteRunAsync(Complete(key, 0, schema)).AsTask().GetAwaiter().GetResult();
        }
    }

    [Benchmark(Baseline = true)]
    public bool BeginComplete_NoResume()
    {
        var run = RunIds[++_n & 255];
        var begun = _store.BeginRunAsync(Begin(_idle, run, null)).GetAwaiter().GetResult();
        var done = _store.CompleteRunAsync(new CompleteRunRequest { Key = _idle, RunId = run, Completion = RunCompletion.Succeeded, Now = _now }).GetAwaiter().GetResult();
        return begun.Succeeded && done.Succeeded;
    }

    [Benchmark]
    public bool BeginComplete_ResumeOneInterrupt() => ResumeAndRaise(_plain, null);

    [Benchmark]
    public bool BeginComplete_ResumeOneInterruptWithSchema() => ResumeAndRaise(_schema, Schema);

    /// <summary>
    /// Like the baseline on a new thread every run (the load client's pattern): the store holds the default cap of idle
    /// threads, so one run in 250 sweeps the oldest out; this row carries that sweep's share.
    /// </summary>
    [Benchmark]
    public bool BeginComplete_NewThreadEachRun_Evicting()
    {
        var n = ++_newThread;
        var key = NewThreads[n & 65_535];
        var run = RunIds[n & 255];
        var now = _now.AddTicks(n);
        var begun = _evicting.BeginRunAsync(new BeginRunRequest { Key = key, RunId = run, InstanceId = "bench", LeaseDuration = TimeSpan.FromMinutes(5), Now = now }).GetAwaiter().GetResult();
        var done = _evicting.CompleteRunAsync(new CompleteRunRequest { Key = key, RunId = run, Completion = RunCompletion.Succeeded, Now = now }).GetAwaiter().GetResult();
        return begun.Succeeded && done.Succeeded;
    }

    /// <summary>What <see cref="BeginComplete_ResumeOneInterrupt"/> allocates outside the store: its two requests.</summary>
    [Benchmark]
    public bool BuildRequestsOnly()
    {
        var n = _n + 1; // no ++: the thread is not touched, so the next resume must still answer the same interrupt
        var entry = new ResumeEntry { InterruptId = InterruptIds[(n - 1) & 255], Status = ResumeStatus.Resolved, Payload = Payload };
        // Kept in fields: requests that do not escape could be allocated on the stack, hiding their cost.
        _builtBegin = Begin(_plain, RunIds[n & 255], [entry]);
        _builtComplete = Complete(_plain, n, null);
        return _builtBegin.Resume!.Count == _builtComplete.NewInterrupts!.Count;
    }

    private bool ResumeAndRaise(ThreadKey key, JsonElement? schema)
    {
        var n = ++_n;
        var run = RunIds[n & 255];
        var entry = new ResumeEntry { InterruptId = InterruptIds[(n - 1) & 255], Status = ResumeStatus.Resolved, Payload = Payload };
        var begun = _store.BeginRunAsync(Begin(key, run, [entry])).GetAwaiter().GetResult();
        var done = _store.CompleteRunAsync(Complete(key, n, schema)).GetAwaiter().GetResult();
        if (!begun.Succeeded || !done.Succeeded)
        {
            throw new InvalidOperationException(begun.Error?.Message ?? done.Error?.Message);
        }

        return true;
    }

    private BeginRunRequest Begin(ThreadKey key, string runId, IReadOnlyList<ResumeEntry>? resume) =>
        new() { Key = key, RunId = runId, Resume = resume, InstanceId = "bench", LeaseDuration = TimeSpan.FromMinutes(5), Now = _now };

    // Run n raises interrupt n: both from the rings.
    private CompleteRunRequest Complete(ThreadKey key, int n, JsonElement? schema) => new()
    {
        Key = key,
        RunId = RunIds[n & 255],
        Completion = RunCompletion.Interrupted,
        Now = _now,
        NewInterrupts = (schema is null ? Raised : RaisedWithSchema)[n & 255],
    };

    private static PendingInterrupt[][] Ring(JsonElement? schema) =>
    [
        .. Enumerable.Range(0, 256).Select(i => new[]
        {
            new PendingInterrupt { Interrupt = new Interrupt { Id = InterruptIds[i], Reason = InterruptReasons.ToolCall, ToolCallId = "c", ResponseSchema = schema }, RaisedByRunId = RunIds[i] },
        }),
    ];
}
