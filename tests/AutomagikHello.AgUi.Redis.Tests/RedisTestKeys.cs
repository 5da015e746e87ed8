namespace AutomagikHello.AgUi.Redis.Tests;

/// <summary>Unique key prefixes for one test, and deletion of every key under them afterwards.</summary>
internal sealed class RedisTestKeys : IDisposable
{
    private readonly List<string> _prefixes = [];

    public string NewPrefix()
    {
        var prefix = $"agui-test:{Guid.NewGuid():N}:";
        lock (_prefixes)
        {
            _prefixes.Add(prefix);
        }

        return prefix;
    }

    public RedisThreadStoreOptions Options(string? prefix = null, TimeSpan? retention = null) =>
        new() { KeyPrefix = prefix ?? NewPrefix(), Retention = retention ?? TimeSpan.FromHours(1) };

    public void Dispose()
    {
        if (RedisTestEnvironment.SkipReason is not null)
        {
            return;
        }

        lock (_prefixes)
        {
            if (_prefixes.Count == 0)
            {
                return;
            }

            var redis = RedisTestEnvironment.Shared;
            var database = redis.GetDatabase();
            foreach (var prefix in _prefixes)
            {
                foreach (var server in redis.GetServers())
                {
                    var keys = server.Keys(pattern: prefix + "*", pageSize: 500).ToArray();
                    if (keys.Length > 0)
                    {
                        database.KeyDelete(keys);
                    }
                }
            }
        }
    }
}
