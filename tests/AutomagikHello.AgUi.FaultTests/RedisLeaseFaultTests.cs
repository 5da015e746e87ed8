using System.Diagnostics;
using System.Net;
using AutomagikHello.AgUi.Redis.Tests;
using Xunit.Abstractions;

namespace AutomagikHello.AgUi.FaultTests;

/// <summary>
/// Two demo processes on one Redis; the one running a run is SIGKILLed (so each test starts its own pair): the other
/// sees the thread free within the lease, and a cancel through it frees the thread as soon as the dead owner's renewal
/// is missed.
/// </summary>
public sealed class RedisLeaseFaultTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [RedisFact]
    public async Task Sigkill_MidRun_TheOtherInstanceSeesTheThreadFreeWithinTheLease()
    {
        var (a, threadId) = await KillTheOwnerMidRunAsync();
        await using var survivor = a;
        var killedAt = Stopwatch.GetTimestamp();
        var seconds = await AgUiCalls.WaitUntilNotRunningAsync(a.Client, threadId, killedAt, TimeSpan.FromSeconds(60));
        using var next = await AgUiCalls.StartSlowRunAsync(a.Client, threadId, "r2");

        Report($"Redis: thread of a SIGKILLed run free {seconds:F1} s after the kill (lease 15 s, renewed every 5 s)");
        seconds.Should().BeLessThan(15 + 5, "the dead run's lease lapses within LeaseDuration of its last renewal");
    }

    [RedisFact]
    public async Task Sigkill_MidRun_CancelThroughTheOtherInstance_FreesTheThreadOnceARenewalIsMissed()
    {
        var (a, threadId) = await KillTheOwnerMidRunAsync();
        await using var survivor = a;
        var started = Stopwatch.GetTimestamp();
        var (status, body) = await AgUiCalls.CancelSlowAsync(a.Client, threadId);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var view = await AgUiCalls.SlowThreadAsync(a.Client, threadId);
        var (again, _) = await AgUiCalls.CancelSlowAsync(a.Client, threadId);
        using var next = await AgUiCalls.StartSlowRunAsync(a.Client, threadId, "r2");

        Report($"Redis: cancel of a dead run answered in {seconds:F1} s");
        status.Should().Be(HttpStatusCode.Accepted, body?.ToJsonString());
        ((string?)body!["status"]).Should().Be("released", "the killed owner missed its renewal");
        body["runIds"]!.AsArray().Select(r => (string?)r).Should().Equal("r1");
        ((string?)view["status"]).Should().Be("idle", view.ToJsonString());
        again.Should().Be(HttpStatusCode.NotFound, "the dead run is not named again");
    }

    /// <summary>
    /// Starts two demo processes on one Redis, starts run r1 on a new thread through B and SIGKILLs B mid-run; returns A
    /// (the caller disposes it) and the thread.
    /// </summary>
    private async Task<(DemoProcess A, string ThreadId)> KillTheOwnerMidRunAsync()
    {
        var threadId = AgUiCalls.NewThreadId();
        var settings = Settings();
        var a = await DemoProcess.StartReadyAsync(settings, _temp.Path);
        try
        {
            await using var b = await DemoProcess.StartReadyAsync(settings, _temp.Path);
            using (var talking = await AgUiCalls.StartSlowRunAsync(b.Client, threadId, "r1"))
            {
                b.Kill();
            }

            return (a, threadId);
        }
        catch
        {
            await a.DisposeAsync();
            throw;
        }
    }

    private static Dictionary<string, string> Settings()
    {
        using (RedisTestEnvironment.Connect())
        {
        }

        return new()
        {
            ["Demo:Store"] = "redis",
            ["Demo:Redis"] = RedisTestEnvironment.Address!,
            ["Demo:RedisKeyPrefix"] = $"agui-lease-{Guid.NewGuid():N}:",
        };
    }

    private void Report(string message)
    {
        output.WriteLine(message);
        Console.WriteLine(message);
    }
}
