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

    public void Dispose() => _folder.Dispose();

    private SqliteRunEventLog Log(string path)
    {
        var store = _folder.Store(new SqliteThreadStoreOptions { ConnectionString = $"Data Source={path}", RunLogRetention = Retention });
        var log = new SqliteRunEventLog(store);
        lock (_stores)
        {
            _stores[log] = store;
        }

        return log;
    }
}
