using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Hosting;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AutomagikHello.AgUi.Sqlite;

/// <summary>Registers the <see cref="SqliteThreadStore"/> as the AG-UI thread store.</summary>
public static class SqliteAgUiBuilderExtensions
{
    /// <summary>
    /// Makes a <see cref="SqliteThreadStore"/> on one file the application's <see cref="IThreadStore"/> (replacing the
    /// in-memory default). The file is opened, created when missing and its schema migrated when the host starts: a
    /// path that cannot be written fails start-up with a message naming it. Threads untouched for longer than
    /// <see cref="SqliteThreadStoreOptions.Retention"/> are removed every
    /// <see cref="SqliteThreadStoreOptions.RetentionSweepInterval"/> by a background service. A
    /// <see cref="SqliteRunEventLog"/> in the same file becomes the application's <see cref="IRunEventLog"/> (replacing
    /// any registered before), and the same service drops its runs past retention.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddAgUi</c>.</param>
    /// <param name="connectionString">The connection string, e.g. <c>Data Source=App_Data/agui-threads.db</c>.</param>
    /// <param name="configure">Configures further settings; <see langword="null"/> keeps the defaults.</param>
    /// <returns>The builder.</returns>
    public static IAgUiBuilder AddSqliteThreadStore(this IAgUiBuilder builder, string connectionString, Action<SqliteThreadStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var services = builder.Services;
        services.AddOptions<SqliteThreadStoreOptions>().Configure(options =>
        {
            options.ConnectionString = connectionString;
            configure?.Invoke(options);
        });

        services.TryAddSingleton(static provider => new SqliteThreadStore(
            provider.GetRequiredService<IOptions<SqliteThreadStoreOptions>>().Value,
            provider.GetService<ILogger<SqliteThreadStore>>()));
        services.RemoveAll<IThreadStore>();
        services.AddSingleton<IThreadStore>(static provider => provider.GetRequiredService<SqliteThreadStore>());
        services.TryAddSingleton(static provider => new SqliteRunEventLog(
            provider.GetRequiredService<SqliteThreadStore>(),
            provider.GetService<ILogger<SqliteRunEventLog>>()));
        services.RemoveAll<IRunEventLog>();
        services.AddSingleton<IRunEventLog>(static provider => provider.GetRequiredService<SqliteRunEventLog>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SqliteThreadStoreService>());
        services.RemoveAllKeyed<IHealthCheck>(typeof(IThreadStore));
        services.AddKeyedSingleton<IHealthCheck, SqliteFileHealthCheck>(typeof(IThreadStore));
        return builder;
    }
}
