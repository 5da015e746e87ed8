using AutomagikHello.AgUi.Extensions.AI.Tests.Infrastructure;
using AutomagikHello.AgUi.Redis;
using AutomagikHello.AgUi.Threads;
using static AutomagikHello.AgUi.Extensions.AI.Tests.Infrastructure.RecordingChatClient;

namespace AutomagikHello.AgUi.Extensions.AI.Tests;

/// <summary>
/// The approval suite on a real redis-server (<c>AGUI_REDIS</c>), plus two instances sharing it: concurrent and
/// repeated resumes spread across both run the tool once.
/// </summary>
public sealed class RedisApprovalTests : ApprovalTests
{
    private readonly string _prefix = $"agui-extai-{Guid.NewGuid():N}:";
    private readonly List<InProcessHost> _instances = [];

    private protected override InProcessHost CreateHost() => RedisHost();

    private InProcessHost RedisHost() => new(agUi => agUi.AddRedisThreadStore(
        Environment.GetEnvironmentVariable("AGUI_REDIS") is { Length: > 0 } address
            ? address
            : throw new InvalidOperationException("AGUI_REDIS is not set: the Redis approval tests need a redis-server (eng/test.sh starts one)."),
        options => options.KeyPrefix = _prefix));

    public override async Task DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.StopAsync();
        }

        await base.DisposeAsync();
    }

    [Fact]
    public async Task Resume_ConcurrentAndRepeatedAcrossTwoInstances_TheToolRunsExactlyOnce()
    {
        var (agent, _) = Assistant(Calls(Email("call_1")), Text("Sent."));
        var first = Instance();
        var second = Instance();
        var (interrupt, history) = await AskAsync(first, agent, "t-two-instances");
        // Connected before the burst, as a server is at start-up: the store's first use connects synchronously, and 12
        // runs waiting on it at once starve a 2-core thread pool past Redis's 5 s timeout.
        (await second.GetThreadAsync("t-two-instances"))!.Pending.Should().ContainSingle();

        var runs = await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
            Task.Run(() => (i % 2 == 0 ? first : second).RunAsync(agent, Resume("t-two-instances", history, Answer(interrupt, """{"approved":true}"""))))));
        var replay = await second.RunAsync(agent, Resume("t-two-instances", history, Answer(interrupt, """{"approved":true}""")));

        EmailsSent.Should().Be(1);
        runs.Count(r => r.End.Kind == RunEndKind.Success).Should().Be(1);
        replay.Events.OfType<RunErrorEvent>().Single().Code.Should().BeOneOf(ThreadErrorCodes.ResumeAlreadyApplied, ThreadErrorCodes.UnknownInterrupt);
    }

    /// <summary>Another instance on the same Redis (its own services, its own instance id).</summary>
    private InProcessHost Instance()
    {
        var instance = RedisHost();
        _instances.Add(instance);
        return instance;
    }
}
