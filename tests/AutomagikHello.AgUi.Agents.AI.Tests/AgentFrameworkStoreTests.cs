using AutomagikHello.AgUi.Extensions.AI.Tests.Infrastructure;
using AutomagikHello.AgUi.Hosting;
using AutomagikHello.AgUi.Redis;
using AutomagikHello.AgUi.Sqlite;
using static AutomagikHello.AgUi.Extensions.AI.Tests.Infrastructure.RecordingChatClient;

namespace AutomagikHello.AgUi.Agents.AI.Tests;

/// <summary>The Agent Framework suite on the in-memory store.</summary>
public sealed class InMemoryAgentFrameworkTests : AgentFrameworkEndpointTests
{
    private protected override void AddStore(IAgUiBuilder agUi)
    {
    }
}

/// <summary>The Agent Framework suite on a SQLite file (a new one per test, deleted after).</summary>
public sealed class SqliteAgentFrameworkTests : AgentFrameworkEndpointTests
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"agui-af-{Guid.NewGuid():N}.db");

    private protected override void AddStore(IAgUiBuilder agUi) => agUi.AddSqliteThreadStore($"Data Source={_path};Pooling=False");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }
}

/// <summary>
/// The Agent Framework suite on a real redis-server (<c>AGUI_REDIS</c>), plus two server instances sharing it:
/// concurrent and repeated resumes spread across both run the tool once.
/// </summary>
public sealed class RedisAgentFrameworkTests : AgentFrameworkEndpointTests
{
    private readonly string _prefix = $"agui-af-{Guid.NewGuid():N}:";

    private protected override void AddStore(IAgUiBuilder agUi) => agUi.AddRedisThreadStore(
        Environment.GetEnvironmentVariable("AGUI_REDIS") is { Length: > 0 } address
            ? address
            : throw new InvalidOperationException("AGUI_REDIS is not set: the Redis tests need a redis-server (eng/test.sh starts one)."),
        options => options.KeyPrefix = _prefix);

    [Fact]
    public async Task Resume_ConcurrentAndRepeatedAcrossTwoInstances_TheToolRunsExactlyOnce()
    {
        _model.Enqueue(Calls(Email("call_1")));
        _model.Enqueue(Text("Sent."));
        var (second, secondClient) = await StartServerAsync();
        try
        {
            var (firstApp, firstClient) = await StartServerAsync();
            try
            {
                var (interruptId, history) = await AskAsync(firstClient, "t-two");
                // Connected before the burst, as a server is at start-up (see the Extensions.AI Redis tests).
                using (await secondClient.GetAsync($"{Agent}/threads/t-two"))
                {
                }

                var runs = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => SseRuns.PostAsync(
                    i % 2 == 0 ? firstClient : secondClient,
                    Agent,
                    Resume(Input("t-two", Clone(history)), interruptId, """{"approved":true}""").ToJsonString()))));
                var replay = await SseRuns.PostAsync(secondClient, Agent, Resume(Input("t-two", Clone(history)), interruptId, """{"approved":true}""").ToJsonString());

                EmailsSent.Should().Be(1);
                runs.Count(r => (string)r[^1]["type"]! == "RUN_FINISHED").Should().Be(1);
                ((string)replay.Single()["code"]!).Should().BeOneOf("RESUME_ALREADY_APPLIED", "UNKNOWN_INTERRUPT");
            }
            finally
            {
                firstClient.Dispose();
                await firstApp.DisposeAsync();
            }
        }
        finally
        {
            secondClient.Dispose();
            await second.DisposeAsync();
        }
    }
}
