namespace AutomagikHello.AgUi.FaultTests;

/// <summary>The demo on its default store, SQLite, as a real process: killed, restarted, misconfigured.</summary>
public sealed class SqliteFaultTests : IDisposable
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
