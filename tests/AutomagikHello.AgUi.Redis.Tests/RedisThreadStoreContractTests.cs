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

    protected override IThreadStore CreateStore() => new RedisThreadStore(RedisTestEnvironment.Shared, _keys.Options());

    public void Dispose() => _keys.Dispose();
}
