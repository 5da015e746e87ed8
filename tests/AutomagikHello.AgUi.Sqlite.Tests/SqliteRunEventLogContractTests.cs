using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Tests.EventLog;

namespace AutomagikHello.AgUi.Sqlite.Tests;

/// <summary>
/// The shared run event log contract against a SQLite file on disk: a new file for every log; the second instance is
/// another store and log over the same file (as a second process would see it: its own writer, connections and waiters).
/// </summary>
public sealed class SqliteRunEventLogContractTests : RunEventLogContractTests, IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly Dictionary<IRunEventLog, SqliteThreadStore> _stores = [];
    private int _files;

    protected override TimeSpan Retention => TimeSpan.FromHours(1);

    protected override IRunEventLog CreateLog() => Log(_folder.File($"runs-{Interlocked.Increment(ref _files)}.db"));

    protected override IRunEventLog CreateSecondInstance(IRunEventLog log)
    {
        lock (_stores)
        {
            return Log(_stores[log].FilePath);
        }
    }

    protected override async ValueTask ApplyRetentionAsync(IRunEventLog log, DateTimeOffset now) =>
        await ((SqliteRunEventLog)log).RemoveExpiredRunsAsync(now);

    protected override IRunEventLog CreateLogPollingRarely() =>
        Log(_folder.File($"runs-{Interlocked.Increment(ref _files)}.db"), RarePoll);

    // Another process's appends are seen by polling the file only.
    protected override IRunEventLog? CreateSecondInstancePollingRarely(IRunEventLog log) => null;

    public void Dispose() => _folder.Dispose();

    private SqliteRunEventLog Log(string path, TimeSpan? pollInterval = null)
    {
        var options = new SqliteThreadStoreOptions { ConnectionString = $"Data Source={path}", RunLogRetention = Retention };
        options.RunLogPollInterval = pollInterval ?? options.RunLogPollInterval;
        var store = _folder.Store(options);
        var log = new SqliteRunEventLog(store);
        lock (_stores)
        {
            _stores[log] = store;
        }

        return log;
    }
}
