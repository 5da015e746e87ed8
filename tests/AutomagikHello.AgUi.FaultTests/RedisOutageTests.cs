using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace AutomagikHello.AgUi.FaultTests;

/// <summary>
/// Redis stopped mid-test: requests fail with STORE_UNAVAILABLE at once (not after the multiplexer's timeout each), nothing
/// is lost, service returns with Redis.
/// </summary>
public sealed class RedisOutageTests(ITestOutputHelper output) : IDisposable
{
    // Generous: this is a fault test on a busy machine, not a timing test; a request waiting for the connection's
    // timeout takes 5 s or more.
    private static readonly TimeSpan FastFailure = TimeSpan.FromSeconds(1);

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [RedisServerFact]
    public async Task RedisStopped_ResumeFailsFastWithStoreUnavailable_ThenSucceedsOnceWhenRedisReturns()
    {
        using var redis = new PrivateRedis(_temp.Path);
        await redis.StartAsync();
        await using var demo = await DemoProcess.StartReadyAsync(
            new Dictionary<string, string>
            {
                ["Demo:Store"] = "redis",
                // The multiplexer's default timeouts (5 s): what an application runs with.
                ["Demo:Redis"] = redis.Address,
            },
            _temp.Path);
        var threadId = AgUiCalls.NewThreadId();
        var interruptId = await AgUiCalls.RaiseApprovalAsync(demo.Client, threadId);

        redis.Stop();
        var latencies = new List<TimeSpan>();
        for (var i = 0; i < 12; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = (i % 3) switch
            {
                0 => await ResumeRawAsync(demo.Client, threadId, interruptId),
                1 => await demo.Client.GetAsync($"/agents/approval/threads/{threadId}"),
                _ => await SendRunAsync(demo.Client),
            };
            latencies.Add(Stopwatch.GetElapsedTime(started));
            response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, await response.Content.ReadAsStringAsync());
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
            ((string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["code"]).Should().Be("STORE_UNAVAILABLE");
        }

        output.WriteLine($"{latencies.Count} answers during the outage (resume, thread view, run in turn), all 503 STORE_UNAVAILABLE: first {latencies[0].TotalMilliseconds:F0} ms, then max {latencies.Skip(1).Max().TotalMilliseconds:F0} ms, mean {latencies.Skip(1).Average(l => l.TotalMilliseconds):F0} ms");
        latencies.Skip(1).Should().AllSatisfy(l => l.Should().BeLessThan(FastFailure, "the store is known to be down: fail at once"));

        await redis.StartAsync();
        var restarted = Stopwatch.GetTimestamp();
        var outcome = string.Empty;
        var attempts = 0;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            attempts++;
            outcome = await AgUiCalls.ResumeAsync(demo.Client, threadId, interruptId);
            if (outcome != "http 503")
            {
                break;
            }

            await Task.Delay(200);
        }

        output.WriteLine($"served again {Stopwatch.GetElapsedTime(restarted).TotalMilliseconds:F0} ms after redis-server restarted ({attempts} attempts, 200 ms apart)");
        outcome.Should().Be("success", "the pending interrupt survived the outage and service returned with Redis");
        (await AgUiCalls.ResumeAsync(demo.Client, threadId, interruptId)).Should().NotBe("success");
        (await AgUiCalls.EmailsSentAsync(demo.Client, threadId)).Should().Be(1);
    }

    [RedisServerFact]
    public async Task RedisStoppedMidRun_RunEndsWithStoreUnavailableWhenItsLeaseLapses_ThenARetryRunsAtOnce()
    {
        using var redis = new PrivateRedis(_temp.Path);
        await redis.StartAsync();
        await using var demo = await DemoProcess.StartReadyAsync(Settings(redis), _temp.Path);
        var threadId = AgUiCalls.NewThreadId();
        using var talking = await AgUiCalls.StartSlowRunAsync(demo.Client, threadId, "r1");

        redis.Stop();
        var stoppedAt = Stopwatch.GetTimestamp();
        var last = await talking.LastEventAsync();
        var seconds = Stopwatch.GetElapsedTime(stoppedAt).TotalSeconds;
        await redis.StartAsync();
        var retry = await RetryWhileUnavailableAsync(demo.Client, threadId);

        var message = $"Redis stopped mid-run: RUN_ERROR {(string?)last?["code"]} after {seconds:F1} s (lease 15 s); the retry after Redis returned: {(string?)retry?["type"]} {(string?)retry?["code"]}";
        output.WriteLine(message);
        Console.WriteLine(message);
        ((string?)last!["type"]).Should().Be("RUN_ERROR", last.ToJsonString());
        ((string?)last["code"]).Should().Be("STORE_UNAVAILABLE");
        seconds.Should().BeLessThan(15 + 5, "the run stops when its lease lapses, not when the agent is done (about 22 s)");
        ((string?)retry!["type"]).Should().Be("TEXT_MESSAGE_CONTENT", "the lapsed lease left the thread free: no THREAD_BUSY: {0}", retry.ToJsonString());
    }

    private static Dictionary<string, string> Settings(PrivateRedis redis) => new()
    {
        ["Demo:Store"] = "redis",
        ["Demo:Redis"] = $"{redis.Address},connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000",
    };

    /// <summary>Starts the slow run again, retrying while the store answers 503; returns its first event after RUN_STARTED.</summary>
    private static async Task<JsonNode?> RetryWhileUnavailableAsync(HttpClient client, string threadId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var request = AgUiCalls.RunRequest("/agents/slow", threadId, "r2");
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
                continue;
            }

            response.StatusCode.Should().Be(HttpStatusCode.OK, await AgUiCalls.ProblemAsync(response));
            await foreach (var e in AgUiCalls.ReadEventsAsync(response))
            {
                if ((string?)e["type"] != "RUN_STARTED" && (string?)e["type"] != "STEP_STARTED" && (string?)e["type"] != "TEXT_MESSAGE_START")
                {
                    return e;
                }
            }

            return null;
        }
    }

    private static async Task<HttpResponseMessage> SendRunAsync(HttpClient client)
    {
        using var request = AgUiCalls.RunRequest("/agents/approval", AgUiCalls.NewThreadId(), "r1");
        return await client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> ResumeRawAsync(HttpClient client, string threadId, string interruptId)
    {
        var body = new JsonObject
        {
            ["messages"] = new JsonArray(),
            ["resume"] = new JsonArray(new JsonObject { ["interruptId"] = interruptId, ["status"] = "resolved", ["payload"] = new JsonObject { ["approved"] = true } }),
        };
        return client.PostAsync($"/agents/approval/threads/{threadId}/resume", new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
    }
}
