using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.Sqlite;

/// <summary>
/// The store's one writer (group commit): every conditional write goes through one connection, and the writes that
/// arrive while a commit is in progress are committed together in the next transaction. A write's task completes only
/// after the transaction holding it committed (with <see cref="SqliteThreadStoreOptions.FlushEveryCommit"/>, after
/// it was flushed to disk), so what a caller is told was written is durable as the options promise.
/// </summary>
/// <remarks>
/// Why: with a connection per caller, concurrent writers fought over SQLite's single write lock, and each loser slept
/// in SQLite's busy handler; every write was its own transaction (and its own flush). One writer never waits for a
/// lock held in this process, and one commit (one flush) serves every write queued behind it. The first caller to
/// find the writer idle writes its batch on its own thread (no hand-off when there is no contention); writes queued
/// meanwhile are committed by a thread-pool work item, so that caller returns as soon as its own write committed.
/// Every <see cref="CheckpointEvery"/> commits the writer asks for a WAL checkpoint (<c>checkpointDue</c>), which
/// runs on another connection while the writer goes on committing: neither a caller's commit nor the writes queued
/// behind a checkpoint wait for its copying and flushes (SQLite's automatic checkpoint runs inside the commit that
/// crosses its threshold; a checkpoint on the writer's own connection would hold up every write queued meanwhile).
/// </remarks>
internal sealed class SqliteWriter(Func<SqliteSession> open, Func<Exception, Exception?> failure, Action checkpointDue) : IDisposable
{
    /// <summary>
    /// Commits between two checkpoints: a run's begin or complete writes one WAL page (the row's; two in the hour a
    /// row's retention index entry moves), so about SQLite's default of 1,000 pages.
    /// </summary>
    internal const int CheckpointEvery = 1_000;

    // SQLite's own automatic checkpoint stays on past this many WAL pages (40 MB): the WAL starts over only after a
    // checkpoint that copied all of it, which one running beside writes that never pause never does.
    private const int BackstopPages = 10_000;

    private readonly Lock _gate = new();
    private List<IWrite> _queue = [];
    private bool _writing;
    private bool _disposed;
    private SqliteSession? _session;
    private int _commits; // Since the last checkpoint was asked for; like _session, touched only by the one thread writing.

    /// <summary>Writes <paramref name="next"/> if the row is still at <paramref name="current"/>'s version.</summary>
    /// <returns>Whether the row was written (false: another writer changed it first).</returns>
    public Task<bool> TrySwapAsync(ThreadRecord? current, ThreadRecord next)
    {
        // Serialised on the caller's thread, so the transaction holds the lock only for the statements.
        var swap = new Swap(current, next, ThreadRecordSerializer.Serialize(next));
        Enqueue(swap);
        return swap.Task;
    }

    /// <summary>Writes the lease renewal <paramref name="next"/> alone (no JSON) if the row is still at <paramref name="current"/>'s version.</summary>
    /// <returns>Whether the row was written (false: another writer changed it first).</returns>
    public Task<bool> TryRenewAsync(ThreadRecord current, ThreadRecord next)
    {
        var renewal = new Renewal(current, next);
        Enqueue(renewal);
        return renewal.Task;
    }

    /// <summary>
    /// Runs <paramref name="step"/> in the next batch's transaction; its result is handed out after the commit. The step
    /// reports refusals in its result (it throws only when the connection fails, which fails the whole batch).
    /// </summary>
    public Task<TResult> WriteAsync<TArg, TResult>(Func<SqliteSession, TArg, TResult> step, TArg arg)
    {
        var write = new Step<TArg, TResult>(step, arg);
        Enqueue(write);
        return write.Task;
    }

    private void Enqueue(IWrite write)
    {
        bool lead;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, typeof(SqliteThreadStore));
            _queue.Add(write);
            lead = !_writing;
            _writing = true;
        }

        if (lead)
        {
            WriteBatches(handOff: true);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            if (_writing)
            {
                return; // The batch in progress closes the session when it ends.
            }
        }

        _session?.Dispose();
        _session = null;
    }

    // Commits batches until the queue is empty. With handOff (the caller's own thread), after the first batch (which
    // holds the caller's write) any further batch goes to a thread-pool work item, so the caller returns.
    private void WriteBatches(bool handOff)
    {
        while (Next() is { } batch)
        {
            Commit(batch);
            if (handOff && HasQueued())
            {
                ThreadPool.UnsafeQueueUserWorkItem(static writer => writer.WriteBatches(handOff: false), this, preferLocal: false);
                return;
            }
        }
    }

    // The queued writes, or null when there are none: the writer is idle then (and closes its connection if disposed).
    private List<IWrite>? Next()
    {
        lock (_gate)
        {
            if (_queue.Count == 0)
            {
                _writing = false;
                if (_disposed)
                {
                    _session?.Dispose();
                    _session = null;
                }

                return null;
            }

            var batch = _queue;
            _queue = [];
            return batch;
        }
    }

    private bool HasQueued()
    {
        lock (_gate)
        {
            return _queue.Count > 0;
        }
    }

    // One transaction for the batch; every write learns its outcome only after the commit. A failure fails the whole
    // batch (nothing of it was committed) and closes the connection, which may be mid-transaction. A batch of one
    // single-statement write (a lone swap: the uncontended case) runs that statement on its own, which SQLite commits
    // as its own transaction: the same write lock and commit, two statements fewer.
    private void Commit(List<IWrite> batch)
    {
        try
        {
            if (_session is null)
            {
                _session = open();
                _session.DeferCheckpoints(BackstopPages);
            }

            var transaction = batch.Count > 1 || !batch[0].IsOneStatement;
            if (transaction)
            {
                _session.Begin();
            }

            foreach (var write in batch)
            {
                write.Execute(_session);
            }

            if (transaction)
            {
                _session.Commit();
            }

            _commits++;
        }
        catch (Exception ex)
        {
            _session?.Dispose();
            _session = null;
            var error = failure(ex) ?? ex;
            foreach (var write in batch)
            {
                write.Fail(error);
            }

            return;
        }

        if (_commits >= CheckpointEvery)
        {
            _commits = 0;
            checkpointDue(); // Only starts it (it neither throws nor waits); before the answers, so they happen after.
        }

        foreach (var write in batch)
        {
            write.Complete();
        }
    }

    // One queued write: executed inside the batch's transaction, told its outcome after the commit. Each is its own
    // task source (one allocation per write), whose continuations run asynchronously so the writer never runs a
    // caller's code.
    private interface IWrite
    {
        // Whether Execute runs exactly one statement (so it is atomic on its own).
        bool IsOneStatement { get; }

        void Execute(SqliteSession session);

        void Complete();

        void Fail(Exception error);
    }

    private sealed class Swap(ThreadRecord? current, ThreadRecord next, byte[] json)
        : TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously), IWrite
    {
        private bool _written;

        public bool IsOneStatement => true;

        public void Execute(SqliteSession session) => _written = session.TrySwap(current, next, json);

        public void Complete() => SetResult(_written);

        public void Fail(Exception error) => SetException(error);
    }

    private sealed class Renewal(ThreadRecord current, ThreadRecord next)
        : TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously), IWrite
    {
        private bool _written;

        public bool IsOneStatement => true;

        public void Execute(SqliteSession session) => _written = session.TryRenew(current, next);

        public void Complete() => SetResult(_written);

        public void Fail(Exception error) => SetException(error);
    }

    private sealed class Step<TArg, TResult>(Func<SqliteSession, TArg, TResult> step, TArg arg)
        : TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously), IWrite
    {
        private TResult? _result;

        public bool IsOneStatement => false;

        public void Execute(SqliteSession session) => _result = step(session, arg);

        public void Complete() => SetResult(_result!);

        public void Fail(Exception error) => SetException(error);
    }
}
