using System.Text.Json;
using AutomagikHello.AgUi.Threads;
using BenchmarkDotNet.Attributes;

namespace AutomagikHello.AgUi.Benchmarks;

#pragma warning disable CA2012 // The in-memory store completes synchronously; awaiting would only measure the state machine.

/// <summary>
/// Begin + complete of a run that resumes one interrupt and raises the next (so every iteration starts from an
/// interrupted thread), on the in-memory store. Baseline: begin + complete of a run that resumes nothing.
/// The schema variant validates a <c>{approved, editedArgs?}</c> payload with JsonSchema.Net.
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
    private InMemoryThreadStore _store = null!;
    private int _n;

    [GlobalSetup]
    public void Setup()
    {
        _store = new InMemoryThreadStore();
        foreach (var (key, schema) in new[] { (_plain, (JsonElement?)null), (_schema, Schema) })
        {
            _store.BeginRunAsync(Begin(key, "r0", null)).AsTask().GetAwaiter().GetResult();
            _store.CompleteRunAsync(Complete(key, "r0", "int-0", schema)).AsTask().GetAwaiter().GetResult();
        }
    }

    [Benchmark(Baseline = true)]
    public bool BeginComplete_NoResume()
    {
        var run = "r" + ++_n;
        var begun = _store.BeginRunAsync(Begin(_idle, run, null)).GetAwaiter().GetResult();
        var done = _store.CompleteRunAsync(new CompleteRunRequest { Key = _idle, RunId = run, Completion = RunCompletion.Succeeded, Now = _now }).GetAwaiter().GetResult();
        return begun.Succeeded && done.Succeeded;
    }

    [Benchmark]
    public bool BeginComplete_ResumeOneInterrupt() => ResumeAndRaise(_plain, null);

    [Benchmark]
    public bool BeginComplete_ResumeOneInterruptWithSchema() => ResumeAndRaise(_schema, Schema);

    private bool ResumeAndRaise(ThreadKey key, JsonElement? schema)
    {
        var n = ++_n;
        var run = "r" + n;
        var entry = new ResumeEntry { InterruptId = "int-" + (n - 1), Status = ResumeStatus.Resolved, Payload = Payload };
        var begun = _store.BeginRunAsync(Begin(key, run, [entry])).GetAwaiter().GetResult();
        var done = _store.CompleteRunAsync(Complete(key, run, "int-" + n, schema)).GetAwaiter().GetResult();
        if (!begun.Succeeded || !done.Succeeded)
        {
            throw new InvalidOperationException(begun.Error?.Message ?? done.Error?.Message);
        }

        return true;
    }

    private BeginRunRequest Begin(ThreadKey key, string runId, IReadOnlyList<ResumeEntry>? resume) =>
        new() { Key = key, RunId = runId, Resume = resume, InstanceId = "bench", LeaseDuration = TimeSpan.FromMinutes(5), Now = _now };

    private CompleteRunRequest Complete(ThreadKey key, string runId, string nextInterrupt, JsonElement? schema) => new()
    {
        Key = key,
        RunId = runId,
        Completion = RunCompletion.Interrupted,
        Now = _now,
        NewInterrupts = [new PendingInterrupt { Interrupt = new Interrupt { Id = nextInterrupt, Reason = InterruptReasons.ToolCall, ToolCallId = "c", ResponseSchema = schema }, RaisedByRunId = runId }],
    };
}
