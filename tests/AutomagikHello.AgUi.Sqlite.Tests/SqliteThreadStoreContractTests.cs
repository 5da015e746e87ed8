using AutomagikHello.AgUi.Tests.Threads;
using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.Sqlite.Tests;

/// <summary>The shared contract against a SQLite file on disk: a new file for every store, deleted afterwards.</summary>
public sealed class SqliteThreadStoreContractTests : ThreadStoreContractTests, IDisposable
{
    private readonly TempFolder _folder = new();
    private int _stores;

    protected override IThreadStore CreateStore() => _folder.Store($"threads-{Interlocked.Increment(ref _stores)}.db");

    protected override IThreadStore CreateSecondInstance(IThreadStore store) =>
        _folder.Store(new SqliteThreadStoreOptions { ConnectionString = $"Data Source={((SqliteThreadStore)store).FilePath}" });

    public void Dispose() => _folder.Dispose();
}
