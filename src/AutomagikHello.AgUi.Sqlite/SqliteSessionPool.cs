using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace AutomagikHello.AgUi.Sqlite;

/// <summary>
/// The store's open connections: at most <see cref="SqliteThreadStoreOptions.MaxConnections"/> callers hold one at a
/// time (SQLite calls block while they wait for a lock), the others wait asynchronously. A connection that failed is
/// closed rather than reused.
/// </summary>
internal sealed class SqliteSessionPool(string connectionString, SqliteThreadStoreOptions options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.MaxConnections, options.MaxConnections);
    private readonly ConcurrentBag<SqliteSession> _idle = [];
    private volatile bool _disposed;

    /// <summary>Waits for a free slot and hands out an idle session, or opens one.</summary>
    /// <exception cref="SqliteException">A new connection cannot be opened.</exception>
    /// <exception cref="ObjectDisposedException">The pool was disposed.</exception>
    public async ValueTask<SqliteSession> RentAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (_disposed)
        {
            _slots.Release();
            throw new ObjectDisposedException(nameof(SqliteThreadStore));
        }

        if (_idle.TryTake(out var session))
        {
            return session;
        }

        try
        {
            return SqliteSession.Open(connectionString, options);
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    // A session that failed may be mid-statement or broken: it is closed rather than reused.
    public void Return(SqliteSession session, bool healthy)
    {
        if (healthy && !_disposed)
        {
            _idle.Add(session);
        }
        else
        {
            session.Dispose();
        }

        _slots.Release();
        if (_disposed && _idle.TryTake(out var late))
        {
            late.Dispose();
        }
    }

    /// <summary>Closes the idle sessions; sessions in use are closed when returned.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        while (_idle.TryTake(out var session))
        {
            session.Dispose();
        }

        // The semaphore is left undisposed (it holds no handle): a caller still waiting for a connection wakes up
        // and fails with ObjectDisposedException instead of waiting for ever.
    }
}
