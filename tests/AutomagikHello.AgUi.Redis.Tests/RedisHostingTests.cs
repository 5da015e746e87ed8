using AutomagikHello.AgUi.AspNetCore;
using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AutomagikHello.AgUi.Redis.Tests;

/// <summary><c>AddAgUi().AddRedisThreadStore(…)</c> in a real host.</summary>
public sealed class RedisHostingTests
{
    [RedisFact]
    public async Task AddRedisThreadStore_RegistersTheStoreAndTheCancellationBus_AndTheHostSubscribes()
    {
        var prefix = $"agui-hosting-{Guid.NewGuid():N}:";
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAgUi().AddRedisThreadStore(RedisTestEnvironment.Address!, options => options.KeyPrefix = prefix);
        using var host = builder.Build();

        await host.StartAsync();
        try
        {
            host.Services.GetRequiredService<IThreadStore>().Should().BeOfType<RedisThreadStore>();
            var bus = host.Services.GetRequiredService<IRunCancellationBus>().Should().BeOfType<RedisRunCancellationBus>().Subject;
            bus.Channel.Should().Be(prefix + "cancel");

            // The host's subscriber is on the channel: Redis counts it.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            long subscribers = 0;
            while (DateTime.UtcNow < deadline && subscribers == 0)
            {
                var counts = await RedisTestEnvironment.Shared.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", bus.Channel);
                subscribers = (long)((StackExchange.Redis.RedisResult[])counts!)[1];
                await Task.Delay(20);
            }

            subscribers.Should().Be(1);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [RedisFact]
    public async Task AddRedisThreadStore_ReplacesAnEarlierRunEventLogWithOneOnTheSameRedis()
    {
        var prefix = $"agui-hosting-{Guid.NewGuid():N}:";
        var builder = Host.CreateApplicationBuilder();
        // A stand-in for the default registered before a durable store (the in-memory log): it must be replaced.
        builder.Services.AddSingleton<IRunEventLog>(_ => throw new InvalidOperationException("The earlier registration must be replaced."));
        builder.Services.AddAgUi().AddRedisThreadStore(RedisTestEnvironment.Address!, options => options.KeyPrefix = prefix);
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var logs = host.Services.GetServices<IRunEventLog>().ToArray();
            logs.Should().ContainSingle().Which.Should().BeOfType<RedisRunEventLog>();
            var key = new RunLogKey(new ThreadKey("chat", "alice", "t1"), "r1");
            (await logs[0].CreateAsync(new RunLogStart { Key = key, StartedAt = DateTimeOffset.UtcNow, Conversation = "{}"u8.ToArray() })).Should().BeTrue();

            // The same keys: a log on another connection sees the run.
            using var other = RedisTestEnvironment.Connect();
            await using var otherLog = new RedisRunEventLog(other, new RedisThreadStoreOptions { KeyPrefix = prefix });
            (await otherLog.ReadAsync(key, 0, 10)).Status.Should().Be(RunLogStatus.Open);
            await RedisTestEnvironment.Shared.GetDatabase().KeyDeleteAsync([RedisKeys.RunLog(prefix, key), RedisKeys.RunLog(prefix, key) + ":c", RedisKeys.LatestRun(prefix, key.Thread)]);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
