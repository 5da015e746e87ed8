using System.Net;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.Redis.Tests;
using Xunit.Abstractions;

namespace AutomagikHello.AgUi.FaultTests;

/// <summary>Two demo processes, A and B, sharing the Redis in <c>AGUI_REDIS</c> under a key prefix of their own.</summary>
public sealed class TwoInstancesOnRedis : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _temp = new();

    internal DemoProcess A { get; private set; } = null!;

    internal DemoProcess B { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (RedisTestEnvironment.SkipReason is not null)
        {
            return; // Every test here is skipped with the reason.
        }

        // Fails with a clear message (under CI) when Redis is unreachable.
        using (RedisTestEnvironment.Connect())
        {
        }

        var settings = new Dictionary<string, string>
        {
            ["Demo:Store"] = "redis",
            ["Demo:Redis"] = RedisTestEnvironment.Address!,
            ["Demo:RedisKeyPrefix"] = $"agui-fault-{Guid.NewGuid():N}:",
            ["Demo:TestAgents"] = "true", // X-Demo-Owner, for another owner's requests
        };
        var starting = new[] { DemoProcess.StartReadyAsync(settings, _temp.Path), DemoProcess.StartReadyAsync(settings, _temp.Path) };
        try
        {
            await Task.WhenAll(starting);
        }
        catch
        {
            foreach (var task in starting.Where(t => t.IsCompletedSuccessfully))
            {
                await task.Result.DisposeAsync();
            }

            throw;
        }

        A = starting[0].Result;
        B = starting[1].Result;
    }

    public async Task DisposeAsync()
    {
        if (A is not null)
        {
            await A.DisposeAsync();
        }

        if (B is not null)
        {
            await B.DisposeAsync();
        }

        Dispose();
    }

    public void Dispose() => _temp.Dispose();
}

/// <summary>Several instances, no sticky sessions: interrupts, resumes and cancels across processes.</summary>
public sealed class RedisFaultTests(TwoInstancesOnRedis demos, ITestOutputHelper output) : IClassFixture<TwoInstancesOnRedis>
{
    [RedisFact]
    public async Task InterruptRaisedThroughA_ResumedThroughB_ExactlyOnce()
    {
        var threadId = AgUiCalls.NewThreadId();
        var interruptId = await AgUiCalls.RaiseApprovalAsync(demos.A.Client, threadId);

        var thread = await AgUiCalls.ThreadAsync(demos.B.Client, threadId);
        ((string?)thread["status"]).Should().Be("interrupted", "B sees what A stored: {0}", thread.ToJsonString());

        (await AgUiCalls.ResumeAsync(demos.B.Client, threadId, interruptId)).Should().Be("success");
        (await AgUiCalls.ResumeAsync(demos.A.Client, threadId, interruptId)).Should().NotBe("success", "the interrupt was consumed through B");
        (await AgUiCalls.EmailsSentAsync(demos.A.Client, threadId) + await AgUiCalls.EmailsSentAsync(demos.B.Client, threadId)).Should().Be(1);
    }

    [RedisFact]
    public async Task HundredConcurrentResumesSplitAcrossTwoInstances_ExactlyOneWins()
    {
        var threadId = AgUiCalls.NewThreadId();
        var interruptId = await AgUiCalls.RaiseApprovalAsync(demos.A.Client, threadId);

        using var start = new ManualResetEventSlim();
        var resumes = Enumerable.Range(0, 100)
            .Select(i => Task.Run(async () =>
            {
                start.Wait();
                return await AgUiCalls.ResumeAsync(i % 2 == 0 ? demos.A.Client : demos.B.Client, threadId, interruptId);
            }))
            .ToArray();
        start.Set();
        var outcomes = await Task.WhenAll(resumes);

        output.WriteLine(string.Join(", ", outcomes.GroupBy(o => o).Select(g => $"{g.Key}: {g.Count()}")));
        outcomes.Count(o => o == "success").Should().Be(1, "of 100 concurrent resumes exactly one wins");
        (await AgUiCalls.EmailsSentAsync(demos.A.Client, threadId) + await AgUiCalls.EmailsSentAsync(demos.B.Client, threadId)).Should().Be(1, "one winner, one side effect");
    }

    [RedisFact]
    public async Task CancelThroughA_EndsTheRunStreamingFromB_WithTheCancelledOutcome_LatencyMeasured()
    {
        const int Runs = 30;
        const int WarmUp = 3; // untimed: the first cancels JIT the path through both processes
        var latencies = new List<double>(Runs);
        for (var i = 0; i < WarmUp; i++)
        {
            await CancelAcrossAsync();
        }

        for (var i = 0; i < Runs; i++)
        {
            latencies.Add(await CancelAcrossAsync());
        }

        latencies.Sort();
        var p50 = AgUiCalls.Percentile(latencies, 50);
        var p99 = AgUiCalls.Percentile(latencies, 99);
        var message = $"Cross-instance cancel (request to A -> RUN_FINISHED cancelled from B), {Runs} runs after {WarmUp} warm-up: p50 {p50:F1} ms, p99 {p99:F1} ms, max {latencies[^1]:F1} ms";
        output.WriteLine(message);
        Console.WriteLine(message);
        p99.Should().BeLessThan(1000, "a cancel crosses instances promptly (the benchmark target, p99 <= 20 ms, is reported, not asserted)");
    }

    [RedisFact]
    public async Task Cancel_WhenNoRunIsActiveAnywhere_Is404()
    {
        using var response = await demos.A.Client.PostAsync($"/agents/slow/threads/{AgUiCalls.NewThreadId()}/cancel", null);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    /// <summary>Starts a slow run on B, waits for its first word, cancels through A; returns cancel request → terminal frame, in ms.</summary>
    private async Task<double> CancelAcrossAsync()
    {
        var threadId = AgUiCalls.NewThreadId();
        using var request = AgUiCalls.RunRequest("/agents/slow", threadId, "r1");
        using var response = await demos.B.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var streaming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long finishedAt = 0;
        JsonNode? finished = null;
        var reading = Task.Run(async () =>
        {
            await foreach (var e in AgUiCalls.ReadEventsAsync(response))
            {
                var type = (string?)e["type"];
                if (type == "TEXT_MESSAGE_CONTENT")
                {
                    streaming.TrySetResult();
                }
                else if (type is "RUN_FINISHED" or "RUN_ERROR")
                {
                    finishedAt = AgUiCalls.Now();
                    finished = e;
                    streaming.TrySetResult();
                }
            }
        });
        await streaming.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var cancelAt = AgUiCalls.Now();
        using var cancel = await demos.A.Client.PostAsync($"/agents/slow/threads/{threadId}/cancel", null);
        cancel.StatusCode.Should().Be(HttpStatusCode.Accepted, await AgUiCalls.ProblemAsync(cancel));
        var body = JsonNode.Parse(await cancel.Content.ReadAsStringAsync())!;
        body["runIds"]!.AsArray().Select(r => (string?)r).Should().Equal("r1");
        ((string?)body["status"]).Should().Be("cancelled", "B, alive, ended its run through the bus");
        await reading.WaitAsync(TimeSpan.FromSeconds(30));

        finished.Should().NotBeNull();
        ((string?)finished!["type"]).Should().Be("RUN_FINISHED", finished.ToJsonString());
        AgUiCalls.Outcome(finished).Should().Be("cancelled", finished.ToJsonString());
        return TimeSpan.FromTicks((long)((finishedAt - cancelAt) * (double)TimeSpan.TicksPerSecond / System.Diagnostics.Stopwatch.Frequency)).TotalMilliseconds;
    }
}
