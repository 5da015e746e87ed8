using AutomagikHello.AgUi.AspNetCore;
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
}
