using System.Text.Json;
using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.Tests.Threads;

/// <summary>
/// Requests and set-ups the store-specific suites (SQLite, Redis) share: shipped beside the contract
/// suite, so each writes its own scenarios, not its own builders.
/// </summary>
public static class StoreRequests
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    public static BeginRunRequest Begin(ThreadKey key, string runId, params ResumeEntry[] resume) => Begin(key, runId, null, null, resume);

    public static BeginRunRequest Begin(ThreadKey key, string runId, DateTimeOffset? now = null, TimeSpan? lease = null, params ResumeEntry[] resume) =>
        new() { Key = key, RunId = runId, Resume = resume.Length == 0 ? null : resume, InstanceId = "test", LeaseDuration = lease ?? Lease, Now = now ?? T0 };

    public static ResumeEntry Resolved(string id) =>
        new() { InterruptId = id, Status = ResumeStatus.Resolved, Payload = JsonDocument.Parse("""{"approved":true}""").RootElement };

    /// <summary>Runs <paramref name="runId"/> on the thread and ends it with one tool-approval interrupt.</summary>
    public static async Task Interrupt(IThreadStore store, ThreadKey key, string runId, string interruptId)
    {
        (await store.BeginRunAsync(Begin(key, runId))).Succeeded.Should().BeTrue();
        var completed = await store.CompleteRunAsync(new CompleteRunRequest
        {
            Key = key,
            RunId = runId,
            Completion = RunCompletion.Interrupted,
            Now = T0,
            NewInterrupts =
            [
                new PendingInterrupt
                {
                    Interrupt = new Interrupt { Id = interruptId, Reason = InterruptReasons.ToolCall, ToolCallId = "call-1" },
                    RaisedByRunId = runId,
                    ToolCallName = "sendEmail",
                    ToolCallArguments = """{"to":"a@b.c"}""",
                },
            ],
        });
        completed.Succeeded.Should().BeTrue(completed.Error?.Message);
    }

    /// <summary>
    /// Starts 100 begins at once, alternating between two stores over the same data (two connections, two instances),
    /// and returns every result: what a race between instances looks like to the store.
    /// </summary>
    public static async Task<BeginRunResult[]> RaceBeginsAsync(IThreadStore a, IThreadStore b, Func<int, BeginRunRequest> request)
    {
        using var gate = new ManualResetEventSlim(false);
        var attempts = Enumerable.Range(0, 100).Select(i => Task.Run(async () =>
        {
            gate.Wait();
            return await (i % 2 == 0 ? a : b).BeginRunAsync(request(i));
        })).ToArray();
        gate.Set();
        return await Task.WhenAll(attempts);
    }
}
