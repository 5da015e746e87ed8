using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Redis;
using AutomagikHello.AgUi.Sqlite;
using StackExchange.Redis;

namespace AutomagikHello.AgUi.AspNetCore.Tests.EventLog;

/// <summary>The reconnect cases against the SQLite log: every host gets its own database file.</summary>
public sealed class SqliteRunEventLogReconnectTests : RunEventLogReconnectTests, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("agui-reconnect-").FullName;
    private readonly List<SqliteThreadStore> _stores = [];

    protected override IRunEventLog CreateLog()
    {
        var store = new SqliteThreadStore(new SqliteThreadStoreOptions
        {
            ConnectionString = $"Data Source={Path.Combine(_folder, $"log-{Guid.NewGuid():N}.db")}",
        });
        lock (_stores)
        {
            _stores.Add(store);
        }

        return new SqliteRunEventLog(store);
    }

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary>
/// The reconnect cases against the Redis log on the redis-server in <c>AGUI_REDIS</c> (eng/test.sh starts one): every
/// host gets its own key prefix, deleted afterwards.
/// </summary>
public sealed class RedisRunEventLogReconnectTests : RunEventLogReconnectTests, IDisposable
{
    private static readonly Lazy<ConnectionMultiplexer> Redis = new(static () => ConnectionMultiplexer.Connect(
        Environment.GetEnvironmentVariable("AGUI_REDIS") is { Length: > 0 } address
            ? address
            : throw new InvalidOperationException("AGUI_REDIS is not set: the Redis reconnect tests need a redis-server (eng/test.sh starts one).")));

    private readonly List<(RedisRunEventLog Log, string Prefix)> _logs = [];

    protected override IRunEventLog CreateLog()
    {
        var prefix = $"agui-reconnect-{Guid.NewGuid():N}:";
        var log = new RedisRunEventLog(Redis.Value, new RedisThreadStoreOptions { KeyPrefix = prefix });
        lock (_logs)
        {
            _logs.Add((log, prefix));
        }

        return log;
    }

    public void Dispose()
    {
        foreach (var (log, prefix) in _logs)
        {
            log.DisposeAsync().AsTask().GetAwaiter().GetResult();
            foreach (var server in Redis.Value.GetServers())
            {
                foreach (var key in server.Keys(pattern: prefix + "*"))
                {
                    Redis.Value.GetDatabase().KeyDelete(key);
                }
            }
        }
    }
}
