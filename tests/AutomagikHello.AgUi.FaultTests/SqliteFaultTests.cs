using System.Diagnostics;
using System.Net;
using Xunit.Abstractions;

namespace AutomagikHello.AgUi.FaultTests;

/// <summary>The demo on its default store, SQLite, as a real process: killed, restarted, misconfigured.</summary>
public sealed class SqliteFaultTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Sigkill_WhileInterrupted_RestartOnTheSameFile_InterruptPendingAndResumeSucceedsOnce()
    {
        var settings = new Dictionary<string, string>
        {
            ["Demo:Store"] = "sqlite",
            ["Demo:Sqlite"] = $"Data Source={_temp.File("threads.db")}",
        };
        var threadId = AgUiCalls.NewThreadId();
        string interruptId;
        await using (var first = await DemoProcess.StartReadyAsync(settings, _temp.Path))
        {
            interruptId = await AgUiCalls.RaiseApprovalAsync(first.Client, threadId);
            first.Kill(); // SIGKILL: no graceful shutdown.
        }

        await using var second = await DemoProcess.StartReadyAsync(settings, _temp.Path);
        var thread = await AgUiCalls.ThreadAsync(second.Client, threadId);
        ((string?)thread["status"]).Should().Be("interrupted", thread.ToJsonString());
        ((string?)thread["pendingInterrupts"]![0]!["interrupt"]!["id"]).Should().Be(interruptId);

        (await AgUiCalls.ResumeAsync(second.Client, threadId, interruptId)).Should().Be("success");
        (await AgUiCalls.ResumeAsync(second.Client, threadId, interruptId)).Should().NotBe("success", "an interrupt is consumed once");
        (await AgUiCalls.EmailsSentAsync(second.Client, threadId)).Should().Be(1);
    }

    [Fact]
    public async Task Sigkill_MidRun_RestartOnTheSameFile_ThreadIsFreeWithinTheLease()
    {
        var threadId = AgUiCalls.NewThreadId();
        long killedAt;
        await using (var first = await DemoProcess.StartReadyAsync(Settings(), _temp.Path))
        {
            using var talking = await AgUiCalls.StartSlowRunAsync(first.Client, threadId, "r1");
            first.Kill();
            killedAt = Stopwatch.GetTimestamp();
        }

        await using var second = await DemoProcess.StartReadyAsync(Settings(), _temp.Path);
        var seconds = await AgUiCalls.WaitUntilNotRunningAsync(second.Client, threadId, killedAt, TimeSpan.FromSeconds(60));
        using var next = await AgUiCalls.StartSlowRunAsync(second.Client, threadId, "r2");

        Report($"SQLite: thread of a SIGKILLed run free {seconds:F1} s after the kill (lease 15 s, renewed every 5 s)");
        seconds.Should().BeLessThan(15 + 5, "the dead run's lease lapses within LeaseDuration of its last renewal");
    }

    [Fact]
    public async Task Sigkill_MidRun_CancelAfterRestart_FreesTheThreadAtOnce()
    {
        var threadId = AgUiCalls.NewThreadId();
        await using (var first = await DemoProcess.StartReadyAsync(Settings(), _temp.Path))
        {
            using var talking = await AgUiCalls.StartSlowRunAsync(first.Client, threadId, "r1");
            first.Kill();
        }

        await using var second = await DemoProcess.StartReadyAsync(Settings(), _temp.Path);
        var started = Stopwatch.GetTimestamp();
        var (status, body) = await AgUiCalls.CancelSlowAsync(second.Client, threadId);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var view = await AgUiCalls.SlowThreadAsync(second.Client, threadId);
        var (again, _) = await AgUiCalls.CancelSlowAsync(second.Client, threadId);
        using var next = await AgUiCalls.StartSlowRunAsync(second.Client, threadId, "r2");

        Report($"SQLite: cancel of a dead run answered in {seconds:F1} s");
        status.Should().Be(HttpStatusCode.Accepted, body?.ToJsonString());
        ((string?)body!["status"]).Should().Be("released");
        body["runIds"]!.AsArray().Select(r => (string?)r).Should().Equal("r1");
        ((string?)view["status"]).Should().Be("idle", view.ToJsonString());
        again.Should().Be(HttpStatusCode.NotFound, "the dead run is not named again");
    }

    private Dictionary<string, string> Settings() => new()
    {
        ["Demo:Store"] = "sqlite",
        ["Demo:Sqlite"] = $"Data Source={_temp.File("threads.db")}",
    };

    private void Report(string message)
    {
        output.WriteLine(message);
        Console.WriteLine(message);
    }

    [Fact]
    public async Task UnwritableSqlitePath_DemoExitsNonZeroWithAClearMessage()
    {
        var blocker = _temp.File("not-a-folder");
        await File.WriteAllTextAsync(blocker, "x");
        var path = Path.Combine(blocker, "threads.db");
        await using var demo = DemoProcess.Start(
            new Dictionary<string, string> { ["Demo:Store"] = "sqlite", ["Demo:Sqlite"] = $"Data Source={path}" },
            _temp.Path);

        (await demo.WaitForExitAsync(TimeSpan.FromSeconds(60))).Should().BeTrue("start-up fails: {0}", demo.Output);

        demo.ExitCode.Should().NotBe(0);
        await Task.Delay(200); // the last lines of output
        demo.Output.Should().Contain("SQLite thread store could not open").And.Contain(path);
    }
}
