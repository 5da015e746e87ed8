using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Tests.EventLog;

namespace AutomagikHello.AgUi.Redis.Tests;

/// <summary>
/// The shared run event log contract against a real redis-server (<c>AGUI_REDIS</c>): every log gets its own key
/// prefix (deleted afterwards); the second instance is another log on its own connection, as another server would be.
/// </summary>
[RequiresRedis]
public sealed class RedisRunEventLogContractTests : RunEventLogContractTests, IDisposable
{
    private readonly RedisTestKeys _keys = new();
    private readonly Dictionary<IRunEventLog, RedisThreadStoreOptions> _options = [];
    private readonly List<IAsyncDisposable> _owned = [];

    protected override TimeSpan Retention => TimeSpan.FromHours(1);

    protected override IRunEventLog CreateLog() => Log(RedisTestEnvironment.Shared, _keys.NewPrefix());

    protected override IRunEventLog CreateLogPollingRarely() => Log(RedisTestEnvironment.Shared, _keys.NewPrefix(), RarePoll);

    protected override IRunEventLog? CreateSecondInstancePollingRarely(IRunEventLog log) => SecondInstance(log, RarePoll);

    protected override IRunEventLog CreateSecondInstance(IRunEventLog log) => SecondInstance(log, pollInterval: null);

    private RedisRunEventLog SecondInstance(IRunEventLog log, TimeSpan? pollInterval)
    {
        string prefix;
        lock (_options)
        {
            prefix = _options[log].KeyPrefix;
        }

        var connection = RedisTestEnvironment.Connect();
        lock (_owned)
        {
            _owned.Add(connection);
        }

        return Log(connection, prefix, pollInterval);
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        _keys.Dispose();
    }

    private RedisRunEventLog Log(StackExchange.Redis.IConnectionMultiplexer redis, string prefix, TimeSpan? pollInterval = null)
    {
        var options = new RedisThreadStoreOptions { KeyPrefix = prefix, RunLogRetention = Retention };
        options.RunLogPollInterval = pollInterval ?? options.RunLogPollInterval;
        var log = new RedisRunEventLog(redis, options);
        lock (_owned)
        {
            _owned.Insert(0, log); // unsubscribed before its connection is closed
            _options[log] = options;
        }

        return log;
    }
}
