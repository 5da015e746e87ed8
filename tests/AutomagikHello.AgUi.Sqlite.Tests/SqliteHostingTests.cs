using AutomagikHello.AgUi.AspNetCore;
using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AutomagikHello.AgUi.Sqlite.Tests;

/// <summary><c>AddAgUi().AddSqliteThreadStore(…)</c> in a real host.</summary>
public sealed class SqliteHostingTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task AddSqliteThreadStore_ReplacesTheInMemoryStoreAndCreatesTheFileAtStartUp()
    {
        var path = Path.Combine(_folder.Path, "nested", "threads.db");
        using var host = Build(path);

        await host.StartAsync();
        try
        {
            var store = host.Services.GetRequiredService<IThreadStore>();
            store.Should().BeOfType<SqliteThreadStore>().Which.FilePath.Should().Be(path);
            File.Exists(path).Should().BeTrue("the store is opened when the host starts, not at the first request");
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task AddSqliteThreadStore_UnwritablePath_FailsStartUpWithAClearError()
    {
        var blocker = _folder.File("not-a-folder");
        await File.WriteAllTextAsync(blocker, "x");
        var path = Path.Combine(blocker, "threads.db");
        using var host = Build(path);

        var act = () => host.StartAsync();

        var error = (await act.Should().ThrowAsync<InvalidOperationException>()).Which;
        error.Message.Should().Contain("SQLite thread store could not open").And.Contain(path);
        error.InnerException.Should().BeOfType<ThreadStoreUnavailableException>();
    }

    [Fact]
    public async Task AddSqliteThreadStore_SweepsExpiredThreadsPeriodically()
    {
        var path = _folder.File("sweep.db");
        using var host = Build(path, options =>
        {
            options.Retention = TimeSpan.FromMinutes(1);
            options.RetentionSweepInterval = TimeSpan.FromMilliseconds(100);
        });
        await host.StartAsync();
        try
        {
            var store = host.Services.GetRequiredService<IThreadStore>();
            var key = new ThreadKey("approval", "alice", "old");
            var then = DateTimeOffset.UtcNow.AddDays(-1);

            // The lease outlives the test (a day-old run with a one-minute lease was swept between its begin and its
            // complete, which then failed): the sweep must find the thread idle, as the complete leaves it.
            (await store.BeginRunAsync(new BeginRunRequest { Key = key, RunId = "r1", InstanceId = "test", LeaseDuration = TimeSpan.FromDays(2), Now = then })).Succeeded.Should().BeTrue();
            (await store.CompleteRunAsync(new CompleteRunRequest { Key = key, RunId = "r1", Completion = RunCompletion.Succeeded, Now = then })).Succeeded.Should().BeTrue();

            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (await store.GetAsync(key) is not null && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            (await store.GetAsync(key)).Should().BeNull("the background sweep removes threads idle past the retention");
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task AddSqliteThreadStore_ReplacesAnEarlierRunEventLogWithOneInTheSameFile()
    {
        var path = _folder.File("log.db");
        var builder = Host.CreateApplicationBuilder();
        // A stand-in for the default registered before a durable store (the in-memory log): it must be replaced.
        builder.Services.AddSingleton<IRunEventLog>(_ => throw new InvalidOperationException("The earlier registration must be replaced."));
        builder.Services.AddAgUi().AddSqliteThreadStore($"Data Source={path}");
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var logs = host.Services.GetServices<IRunEventLog>().ToArray();
            logs.Should().ContainSingle().Which.Should().BeOfType<SqliteRunEventLog>();
            var key = new RunLogKey(new ThreadKey("chat", "alice", "t1"), "r1");
            (await logs[0].CreateAsync(new RunLogStart { Key = key, StartedAt = DateTimeOffset.UtcNow, Conversation = "{}"u8.ToArray() })).Should().BeTrue();

            // The same file: a store opened on it alone sees the run.
            using var other = new SqliteThreadStore(new SqliteThreadStoreOptions { ConnectionString = $"Data Source={path}" });
            (await new SqliteRunEventLog(other).ReadAsync(key, 0, 10)).Status.Should().Be(RunLogStatus.Open);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task AddSqliteThreadStore_SweepsRunLogsPastRetentionPeriodically()
    {
        var path = _folder.File("log-sweep.db");
        using var host = Build(path, options =>
        {
            options.RunLogRetention = TimeSpan.FromMinutes(1);
            options.RetentionSweepInterval = TimeSpan.FromMilliseconds(100);
        });
        await host.StartAsync();
        try
        {
            var log = host.Services.GetRequiredService<IRunEventLog>();
            var key = new RunLogKey(new ThreadKey("chat", "alice", "t1"), "old");
            await log.CreateAsync(new RunLogStart { Key = key, StartedAt = DateTimeOffset.UtcNow.AddHours(-1), Conversation = "{}"u8.ToArray() });

            var deadline = DateTime.UtcNow.AddSeconds(10);
            while ((await log.ReadAsync(key, 0, 1)).Status == RunLogStatus.Open && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            (await log.ReadAsync(key, 0, 1)).Status.Should().Be(RunLogStatus.Expired, "the background sweep drops runs past the retention");
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static IHost Build(string path, Action<SqliteThreadStoreOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAgUi().AddSqliteThreadStore($"Data Source={path}", configure);
        return builder.Build();
    }
}
