using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AutomagikHello.AgUi.Sqlite;

/// <summary>
/// Opens the <see cref="SqliteThreadStore"/> when the host starts (a file that cannot be written fails start-up) and
/// removes expired threads and run logs every <see cref="SqliteThreadStoreOptions.RetentionSweepInterval"/> until it stops.
/// </summary>
internal sealed partial class SqliteThreadStoreService(
    SqliteThreadStore store,
    SqliteRunEventLog runLog,
    IOptions<SqliteThreadStoreOptions> options,
    ILogger<SqliteThreadStoreService> logger,
    TimeProvider clock) : BackgroundService
{
    private readonly TimeProvider _clock = clock;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ThreadStoreUnavailableException ex)
        {
            LogStartFailed(logger, ex, store.FilePath);
            throw new InvalidOperationException(
                $"The SQLite thread store could not open '{store.FilePath}' for writing: {ex.Message} "
                + "Check that the folder exists or can be created and that this process may write to it, or configure another path.",
                ex);
        }

        LogOpened(logger, store.FilePath);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.RetentionSweepInterval;
        if (interval == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    var removed = await store.RemoveExpiredThreadsAsync(_clock.GetUtcNow(), stoppingToken).ConfigureAwait(false);
                    if (removed > 0)
                    {
                        LogSwept(logger, removed);
                    }

                    await runLog.RemoveExpiredRunsAsync(_clock.GetUtcNow(), stoppingToken).ConfigureAwait(false);
                }
                catch (ThreadStoreUnavailableException ex)
                {
                    // The next tick tries again; the store's operations report the failure to their callers meanwhile.
                    LogSweepFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "SQLite thread store: '{Path}' opened.")]
    private static partial void LogOpened(ILogger logger, string path);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Critical, Message = "SQLite thread store: '{Path}' cannot be opened for writing; the application cannot start.")]
    private static partial void LogStartFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Information, Message = "SQLite thread store: removed {Count} expired threads.")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Warning, Message = "SQLite thread store: the retention sweep failed; retrying at the next interval.")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
