using System.Net;
using System.Net.Sockets;
using AutomagikHello.AgUi.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace AutomagikHello.AgUi.Redis.Tests;

/// <summary><c>AddHealthChecks().AddAgUiThreadStore()</c> over a real Redis, and over a port where none listens.</summary>
public sealed class RedisHealthCheckTests
{
    [RedisFact]
    public async Task ThreadStoreCheck_RedisUp_IsHealthyAndNamesTheStore()
    {
        using var host = Build(RedisTestEnvironment.Address!);

        var entry = await CheckAsync(host);

        entry.Status.Should().Be(HealthStatus.Healthy);
        entry.Data["store"].Should().Be(nameof(RedisThreadStore));
    }

    [Fact]
    public async Task ThreadStoreCheck_RedisDown_IsUnhealthyWithTheReason()
    {
        using var host = Build($"127.0.0.1:{UnusedLoopbackPort()},connectTimeout=500,asyncTimeout=1000");

        var entry = await CheckAsync(host);

        entry.Status.Should().Be(HealthStatus.Unhealthy);
        entry.Description.Should().StartWith("The thread store does not answer");
        entry.Exception.Should().BeOfType<AgUi.Threads.ThreadStoreUnavailableException>();
        entry.Data["store"].Should().Be(nameof(RedisThreadStore));
    }

    private static async Task<HealthReportEntry> CheckAsync(IHost host)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries[AgUiHealthChecksBuilderExtensions.ThreadStoreCheckName];
    }

    private static IHost Build(string configuration)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAgUi().AddRedisThreadStore(configuration, options => options.KeyPrefix = $"agui-health-{Guid.NewGuid():N}:");
        builder.Services.AddHealthChecks().AddAgUiThreadStore();
        return builder.Build();
    }

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    private static int UnusedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
