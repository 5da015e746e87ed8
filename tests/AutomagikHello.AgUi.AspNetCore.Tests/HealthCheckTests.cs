using System.Net;
using System.Text.Json;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using AutomagikHello.AgUi.Threads;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

/// <summary><c>services.AddHealthChecks().AddAgUiThreadStore()</c> over real Kestrel (the SQLite and Redis stores' own
/// tests check them healthy and unhealthy).</summary>
public sealed class HealthCheckTests
{
    [Fact]
    public async Task AddAgUiThreadStore_InMemoryStore_IsHealthyAtHealthzAndNamesTheStore()
    {
        await using var host = await TestHost.StartAsync(
            app => app.MapHealthChecks("/healthz"),
            services: services => services.AddHealthChecks().AddAgUiThreadStore());

        using var response = await host.Client.GetAsync("/healthz");
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("Healthy");
        var entry = report.Entries.Should().ContainKey(AgUiHealthChecksBuilderExtensions.ThreadStoreCheckName).WhoseValue;
        entry.Status.Should().Be(HealthStatus.Healthy);
        entry.Data["store"].Should().Be(nameof(InMemoryThreadStore));
    }

    [Fact]
    public async Task AddAgUiThreadStore_NameFailureStatusAndTags_AreTheRegistrations()
    {
        await using var host = await TestHost.StartAsync(
            _ => { },
            services: services => services.AddHealthChecks().AddAgUiThreadStore("store", HealthStatus.Degraded, ["ready"], TimeSpan.FromSeconds(2)));

        var registration = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HealthCheckServiceOptions>>().Value.Registrations.Should().ContainSingle().Subject;
        registration.Name.Should().Be("store");
        registration.FailureStatus.Should().Be(HealthStatus.Degraded);
        registration.Tags.Should().Equal("ready");
        registration.Timeout.Should().Be(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Demo_Healthz_ReportsTheThreadStoreAsJson()
    {
        await using var factory = new DemoFactory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/healthz");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        report.RootElement.GetProperty("status").GetString().Should().Be("Healthy");
        var check = report.RootElement.GetProperty("checks").EnumerateArray().Should().ContainSingle().Subject;
        check.GetProperty("name").GetString().Should().Be("agui-thread-store");
        check.GetProperty("status").GetString().Should().Be("Healthy");
        check.GetProperty("store").GetString().Should().Be(nameof(InMemoryThreadStore), "the tests host the demo with Demo:Store=memory");
    }
}
