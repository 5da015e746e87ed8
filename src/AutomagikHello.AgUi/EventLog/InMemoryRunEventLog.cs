using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.EventLog;

/// <summary>
/// An <see cref="IRunEventLog"/> in this process's memory: for one instance (a client reconnecting to another instance
/// finds nothing; use the SQLite or Redis log there), lost on restart, bounded per run and in total as
/// <see cref="InMemoryRunEventLogOptions"/> says. Appends keep each event as what differs from the one before it, in
/// segments that are given back when the run is dropped and reused by later runs (so kept runs are neither garbage for
/// the collector to promote nor new memory for every run); reads rebuild and copy what they return. A waiter is woken by
/// the append itself, never by polling. Thread-safe.
/// </summary>
public sealed class InMemoryRunEventLog : IRunEventLog
{
    private readonly InMemoryRunEventLogOptions _options;
    private readonly RunLogSegmentPool _segments = new();
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private readonly Dictionary<RunLogKey, RunState> _runs = [];
    private readonly Dictionary<ThreadKey, RunState> _latest = [];

    // Finished runs in the order they finished: the first dropped when a bound is reached.
    private readonly LinkedList<RunState> _finished = new();

    // Dropped runs, read as Expired until their mark lapses; oldest first, at most MaxRuns.
    private readonly Dictionary<RunLogKey, DateTimeOffset> _expired = [];
    private readonly Queue<RunLogKey> _expiredOrder = new();
    private long _totalBytes;

    /// <summary>A log with <paramref name="options"/> (validated here), timed by <paramref name="clock"/>.</summary>
    public InMemoryRunEventLog(InMemoryRunEventLogOptions? options = null, TimeProvider? clock = null)
    {
        _options = options ?? new InMemoryRunEventLogOptions();
        _options.Validate();
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>How many runs are kept (open or finished), for tests and diagnostics.</summary>
    internal int RunCount
    {
        get
        {
            lock (_gate)
            {
                return _runs.Count;
            }
        }
    }

    /// <summary>The bytes kept across all runs, as the bounds count them.</summary>
    internal long TotalBytes => Interlocked.Read(ref _totalBytes);

    /// <summary>The bytes of dropped runs' segments kept for reuse, for tests and diagnostics.</summary>
    internal long PooledBytes
    {
        get
        {
            lock (_gate)
            {
                return _segments.Bytes;
            }
        }
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The log is full of open runs, or the conversation alone exceeds <see cref="InMemoryRunEventLogOptions.MaxBytesPerRun"/>.</exception>
    public ValueTask<bool> CreateAsync(RunLogStart start, CancellationToken cancellationToken = default) =>
        CreateAndAppendAsync(start, [], cancellationToken);

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">Also when the log is full of open runs, or the conversation and the entries exceed the bounds of one run: the run then gets no log, reads as expired, and leaves its thread with no latest run.</exception>
    public ValueTask<bool> CreateAndAppendAsync(RunLogStart start, IReadOnlyList<RunLogEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        RunLogChecks.CheckFirstAppend(start.Key, entries);
        var conversation = start.Conversation.ToArray();
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            DropAged(now);
            // An expired run is not created again while its expiry is remembered: its readers must keep reading Expired.
            if (_runs.ContainsKey(start.Key) || IsExpired(start.Key, now))
            {
                return ValueTask.FromResult(false);
            }

            if (conversation.Length > _options.MaxBytesPerRun)
            {
                throw Refuse(start.Key, now, $"The run's conversation ({conversation.Length} bytes) exceeds the log's MaxBytesPerRun ({_options.MaxBytesPerRun}).");
            }

            if (entries.Count > _options.MaxEntriesPerRun)
            {
                throw Refuse(start.Key, now, OverRunBounds(start.Key) + " It was not created.");
            }

            var state = new RunState(new RunLogStart { Key = start.Key, StartedAt = start.StartedAt, Conversation = conversation }, _segments);
            AddBytes(state, conversation.Length);
            switch (Store(state, entries, _runs.Count + 1))
            {
                case Admission.OverRunBounds:
                    AddBytes(state, -conversation.Length);
                    throw Refuse(start.Key, now, OverRunBounds(start.Key) + " It was not created.");
                case Admission.LogFull:
                    AddBytes(state, -conversation.Length);
                    throw Refuse(start.Key, now, $"The event log is full of open runs ({_runs.Count} runs, {_totalBytes} bytes); run {start.Key} gets no log.");
            }

            _runs.Add(start.Key, state);
            _latest[start.Key.Thread] = state;
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">Also when the run's or the log's bounds would be exceeded (nothing is appended then).</exception>
    public ValueTask AppendAsync(RunLogKey key, IReadOnlyList<RunLogEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return ValueTask.CompletedTask;
        }

        TaskCompletionSource? wake;
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            var state = Find(key, now) ?? throw new InvalidOperationException($"The log of run {key} is unknown or expired.");
            if (state.Finished)
            {
                throw new InvalidOperationException($"The log of run {key} is finished.");
            }

            for (var i = 0; i < entries.Count; i++)
            {
                var entry = entries[i];
                if (entry.Id != state.LastId + 1 + i)
                {
                    throw new InvalidOperationException($"Entry id {entry.Id} does not continue the log of run {key} (expected {state.LastId + 1 + i}).");
                }

                if (entry.IsTerminal && i != entries.Count - 1)
                {
                    throw new InvalidOperationException($"The terminal entry {entry.Id} of run {key} is not the last appended.");
                }
            }

            if (state.Events.Count + entries.Count > _options.MaxEntriesPerRun)
            {
                throw new InvalidOperationException(OverRunBounds(key));
            }

            switch (Store(state, entries, _runs.Count))
            {
                case Admission.OverRunBounds:
                    throw new InvalidOperationException(OverRunBounds(key));
                case Admission.LogFull:
                    throw new InvalidOperationException($"The event log is full of open runs ({_totalBytes} bytes); run {key} cannot append.");
            }

            wake = state.TakeWaiters();
        }

        wake?.TrySetResult();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<RunLogEntry?> FinishAsync(RunLogKey key, ReadOnlyMemory<byte> terminalEvent, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource? wake;
        RunLogEntry terminal;
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            if (Find(key, now) is not { } state)
            {
                return ValueTask.FromResult<RunLogEntry?>(null);
            }

            if (state.Finished)
            {
                return ValueTask.FromResult<RunLogEntry?>(state.Events.Read(state.Events.Count - 1, 1, finished: true)[0]);
            }

            // Always admitted, past the bounds if need be: a reader must get its terminal event.
            var held = state.Events.SegmentBytes;
            state.Events.AppendLast(terminalEvent.Span);
            terminal = new RunLogEntry(state.LastId, terminalEvent, IsTerminal: true);
            AddBytes(state, state.Events.SegmentBytes - held);
            Finish(state);
            wake = state.TakeWaiters();
        }

        wake?.TrySetResult();
        return ValueTask.FromResult<RunLogEntry?>(terminal);
    }

    /// <inheritdoc />
    public ValueTask<RunLogRead> ReadAsync(RunLogKey key, long afterId, int maxEntries, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterId);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            if (Find(key, now) is not { } state)
            {
                var status = IsExpired(key, now) ? RunLogStatus.Expired : RunLogStatus.Unknown;
                return ValueTask.FromResult(new RunLogRead { Status = status, Entries = [], LastId = 0 });
            }

            // Ids are 1, 2, 3, …: the entry after afterId sits at index afterId.
            var from = (int)Math.Min(afterId, state.Events.Count);
            var count = Math.Min(maxEntries, state.Events.Count - from);
            return ValueTask.FromResult(new RunLogRead
            {
                Status = state.Finished ? RunLogStatus.Finished : RunLogStatus.Open,
                Entries = state.Events.Read(from, count, state.Finished),
                LastId = state.LastId,
            });
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> WaitAsync(RunLogKey key, long afterId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        Task changed;
        lock (_gate)
        {
            if (Find(key, _clock.GetUtcNow()) is not { } state || state.Finished || state.LastId > afterId)
            {
                return true;
            }

            changed = state.Waiters.Task;
        }

        try
        {
            await changed.WaitAsync(timeout, _clock, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public ValueTask<RunLogStart?> GetLatestRunAsync(ThreadKey thread, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(
                _latest.TryGetValue(thread, out var state) && Find(state.Start.Key, _clock.GetUtcNow()) is not null ? state.Start : null);
        }
    }

    /// <summary>The run's state unless unknown or past its retention (then dropped now).</summary>
    private RunState? Find(RunLogKey key, DateTimeOffset now)
    {
        if (!_runs.TryGetValue(key, out var state))
        {
            return null;
        }

        if (IsAged(state, now))
        {
            Drop(state, now);
            return null;
        }

        return state;
    }

    // Age counts from the run's start for every run, as the contract and the durable logs count it.
    private bool IsAged(RunState state, DateTimeOffset now) => state.Start.StartedAt + _options.Retention <= now;

    private bool IsExpired(RunLogKey key, DateTimeOffset now) =>
        _expired.TryGetValue(key, out var until) && until > now;

    /// <summary>
    /// A run that gets no log is still the thread's newest: it reads as dropped (Expired), and the thread has no latest
    /// run, as when a run's log is dropped later, so an older run never stands in for it on a reload.
    /// </summary>
    private InvalidOperationException Refuse(RunLogKey key, DateTimeOffset now, string message)
    {
        _latest.Remove(key.Thread);
        RememberExpired(key, now);
        return new InvalidOperationException(message);
    }

    /// <summary>Drops the finished runs past their retention, oldest first (the rest are found lazily by <see cref="Find"/>).</summary>
    private void DropAged(DateTimeOffset now)
    {
        while (_finished.First is { } oldest && IsAged(oldest.Value, now))
        {
            Drop(oldest.Value, now);
        }
    }

    /// <summary>Drops the oldest finished runs until <paramref name="runs"/> and <paramref name="moreBytes"/> fit; false when only open runs are left.</summary>
    private bool MakeRoom(int runs, long moreBytes)
    {
        var now = _clock.GetUtcNow();
        while (runs > _options.MaxRuns || _totalBytes + moreBytes > _options.MaxTotalBytes)
        {
            var oldest = _finished.First;
            if (oldest is null)
            {
                return false;
            }

            Drop(oldest.Value, now);
            runs--;
        }

        return true;
    }

    private void Drop(RunState state, DateTimeOffset now)
    {
        var key = state.Start.Key;
        _runs.Remove(key);
        if (state.FinishedNode is { } node)
        {
            _finished.Remove(node);
        }

        if (_latest.TryGetValue(key.Thread, out var latest) && latest == state)
        {
            _latest.Remove(key.Thread);
        }

        AddBytes(state, -state.Bytes);
        state.Events.Release(Room());
        RememberExpired(key, now);

        // A waiter reads again and finds the run expired.
        state.TakeWaiters()?.TrySetResult();
    }

    // A dropped run reads Expired for a retention, and at most MaxRuns such runs are remembered.
    private void RememberExpired(RunLogKey key, DateTimeOffset now)
    {
        _expired[key] = now + _options.Retention;
        _expiredOrder.Enqueue(key);
        while (_expiredOrder.Count > _options.MaxRuns && _expiredOrder.TryDequeue(out var forgotten))
        {
            if (!_runs.ContainsKey(forgotten))
            {
                _expired.Remove(forgotten);
            }
        }
    }

    private string OverRunBounds(RunLogKey key) =>
        $"The log of run {key} would exceed its bounds ({_options.MaxEntriesPerRun} entries, {_options.MaxBytesPerRun} bytes).";

    /// <summary>
    /// Keeps checked entries if the bounds allow, with <paramref name="runs"/> runs kept: what they take is known only
    /// once stored (an event is kept as what differs from the one before, and may open a segment), so they are stored
    /// first and taken out again when refused. The run is finished when the last is terminal.
    /// </summary>
    private Admission Store(RunState state, IReadOnlyList<RunLogEntry> entries, int runs)
    {
        var end = state.Events.End;
        var held = state.Events.SegmentBytes;
        try
        {
            state.Events.Append(entries);
        }
        catch
        {
            // Nothing half-stored (an event too large to allocate a segment for): the run stays as it was.
            state.Events.Truncate(end, Room());
            throw;
        }

        var grown = state.Events.SegmentBytes - held;
        if (state.Bytes + grown > _options.MaxBytesPerRun)
        {
            state.Events.Truncate(end, Room());
            return Admission.OverRunBounds;
        }

        // Counted before room is made, so segments dropped runs give back are pooled only within the bound.
        AddBytes(state, grown);
        if (!MakeRoom(runs, 0))
        {
            AddBytes(state, -grown);
            state.Events.Truncate(end, Room());
            return Admission.LogFull;
        }

        if (entries.Count > 0)
        {
            state.Events.KeepLast(entries[^1].Event.Span);
            if (entries[^1].IsTerminal)
            {
                Finish(state);
            }
        }

        return Admission.Admitted;
    }

    private void Finish(RunState state)
    {
        state.Finished = true;
        state.FinishedNode = _finished.AddLast(state);
        state.Events.DropLast();
    }

    // What the bound leaves for the segment pool.
    private long Room() => Math.Max(0, _options.MaxTotalBytes - _totalBytes);

    private void AddBytes(RunState state, long bytes)
    {
        state.Bytes += bytes;
        Interlocked.Add(ref _totalBytes, bytes);
        if (bytes > 0)
        {
            // Memory the pool did not give (a segment it did give shrank it as much): the pool makes way.
            _segments.Trim(Room());
        }
    }

    private enum Admission
    {
        Admitted,
        OverRunBounds,
        LogFull,
    }

    private sealed class RunState(RunLogStart start, RunLogSegmentPool segments)
    {
        private TaskCompletionSource? _waiters;

        public RunLogStart Start { get; } = start;

        public PooledRunEvents Events { get; } = new(segments);

        public long LastId => Events.Count;

        public long Bytes { get; set; }

        /// <summary>Whether the last event is the run's terminal one.</summary>
        public bool Finished { get; set; }

        public LinkedListNode<RunState>? FinishedNode { get; set; }

        /// <summary>What waiters await: completed (and replaced) by the next change.</summary>
        public TaskCompletionSource Waiters => _waiters ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The waiters to wake now (outside the lock); the next wait gets a new signal.</summary>
        public TaskCompletionSource? TakeWaiters()
        {
            var waiters = _waiters;
            _waiters = null;
            return waiters;
        }
    }
}
