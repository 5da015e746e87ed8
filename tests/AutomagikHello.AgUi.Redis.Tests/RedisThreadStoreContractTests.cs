using AutomagikHello.AgUi.Tests.Threads;
using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.Redis.Tests;

/// <summary>
/// The shared contract against a real redis-server (<c>AGUI_REDIS</c>): every store gets its own key prefix, and the
/// keys are deleted afterwards.
/// </summary>
[RequiresRedis]
public sealed class RedisThreadStoreContractTests : ThreadStoreContractTests, IDisposable
{
    private readonly RedisTestKeys _keys = new();

    private readonly Dictionary<IThreadStore, RedisThreadStoreOptions> _options = [];

    protected override IThreadStore CreateStore()
    {
        var options = _keys.Options();
        var store = new RedisThreadStore(RedisTestEnvironment.Shared, options);
        lock (_options)
        {
            _options[store] = options;
        }

        return store;
    }

    // The same keys through another store instance (its own remembered records), as a second process would.
    protected override IThreadStore CreateSecondInstance(IThreadStore store)
    {
        lock (_options)
        {
            return new RedisThreadStore(RedisTestEnvironment.Shared, _keys.Options(_options[store].KeyPrefix));
        }
    }

    public void Dispose() => _keys.Dispose();
}
