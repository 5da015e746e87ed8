using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace AutomagikHello.AgUi.FaultTests;

/// <summary>Redis stopped mid-test: requests fail with STORE_UNAVAILABLE, nothing is lost, service returns with Redis.</summary>
public sealed class RedisOutageTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [RedisServerFact]
    public async Task RedisStopped_ResumeFailsWithStoreUnavailable_ThenSucceedsOnceWhenRedisReturns()
    {
        using var redis = new PrivateRedis(_temp.Path);
        await redis.StartAsync();
        await using var demo = await DemoProcess.StartReadyAsync(
            new Dictionary<string, string>
            {
                ["Demo:Store"] = "redis",
                ["Demo:Redis"] = $"{redis.Address},connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000",
            },
            _temp.Path);
        var threadId = AgUiCalls.NewThreadId();
        var interruptId = await AgUiCalls.RaiseApprovalAsync(demo.Client, threadId);

        redis.Stop();
        using (var response = await ResumeRawAsync(demo.Client, threadId, interruptId))
        {
            response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, await response.Content.ReadAsStringAsync());
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
            ((string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["code"]).Should().Be("STORE_UNAVAILABLE");
        }

        await redis.StartAsync();
        var outcome = string.Empty;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            outcome = await AgUiCalls.ResumeAsync(demo.Client, threadId, interruptId);
            if (outcome != "http 503")
            {
                break;
            }

            await Task.Delay(200);
        }

        outcome.Should().Be("success", "the pending interrupt survived the outage and service returned with Redis");
        (await AgUiCalls.ResumeAsync(demo.Client, threadId, interruptId)).Should().NotBe("success");
        (await AgUiCalls.EmailsSentAsync(demo.Client, threadId)).Should().Be(1);
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
