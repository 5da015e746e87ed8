using AutomagikHello.AgUi.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace AutomagikHello.AgUi.Sqlite.Tests;

/// <summary><c>AddHealthChecks().AddAgUiThreadStore()</c> over a real SQLite file.</summary>
public sealed class SqliteHealthCheckTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task ThreadStoreCheck_ReadableFile_IsHealthyAndNamesTheStore()
    {
        using var host = Build(_folder.File("healthy.db"));
        await host.StartAsync();
        try
        {
            var entry = await CheckAsync(host);

            entry.Status.Should().Be(HealthStatus.Healthy);
            entry.Data["store"].Should().Be(nameof(SqliteThreadStore));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task ThreadStoreCheck_FileNoLongerADatabase_IsUnhealthyWithTheReason()
    {
        var path = _folder.File("broken.db");
        using var host = Build(path);
        await host.StartAsync();
        try
        {
            (await CheckAsync(host)).Status.Should().Be(HealthStatus.Healthy);

            // Something overwrote the file (a bad restore, a disk fault). The store's open connections may still answer
            // from the write-ahead log; a new open cannot, and neither could the next start.
            await using (var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            {
                await file.WriteAsync(new byte[8192].Select(_ => (byte)'x').ToArray());
            }

            var entry = await CheckAsync(host);

            entry.Status.Should().Be(HealthStatus.Unhealthy);
            entry.Description.Should().StartWith("The SQLite file cannot be opened and read").And.Contain("not a database");
            entry.Exception.Should().BeOfType<Microsoft.Data.Sqlite.SqliteException>();
            entry.Data["store"].Should().Be(nameof(SqliteThreadStore));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task<HealthReportEntry> CheckAsync(IHost host)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries[AgUiHealthChecksBuilderExtensions.ThreadStoreCheckName];
    }

    private static IHost Build(string path)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAgUi().AddSqliteThreadStore($"Data Source={path}");
        builder.Services.AddHealthChecks().AddAgUiThreadStore();
        return builder.Build();
    }
}
