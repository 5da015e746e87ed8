using System.Buffers;
using System.Threading.Tasks.Sources;

namespace AutomagikHello.AgUi.Runs;

/// <summary>
/// The hand-off between an agent and its stream: a bounded queue of events (the agent waits when the client reads
/// slower than it writes) plus the signals that end the run — a stop request, the agent's completion and the
/// heartbeat. Many writers, one reader (<see cref="RunStreamWriter"/>). Signals never wait behind a full queue: they
/// wake the reader directly.
/// </summary>
/// <remarks>
/// A writer that finds the queue full waits until the reader has drained it to half its capacity, not merely for one
/// free slot, so an agent faster than the stream resumes once per half queue instead of once per event. Waiters are
/// resumed on the thread pool, never inline on the thread that woke them, except the reader when the agent's wakes
/// are released (see <see cref="HoldAgentWakes"/>). The item buffer grows with use, so a stream that waits for its
/// agent holds almost nothing.
/// </remarks>
internal sealed class RunEventQueue : IValueTaskSource<bool>
{
    private const int Capacity = 256;
    private const int ResumeWritersAt = Capacity / 2;
    private const int InitialBufferLength = 16;

    private readonly CancellationTokenSource _runCancellation;

    // A ring buffer of the queued events; _head is the oldest. Guarded by locking the queue itself (a private type
    // nobody else locks; a Lock object more would be 40 bytes more under every held stream), like every field below.
    private AgUiEvent[] _items = [];
    private int _head;
    private int _count;
    private bool _closed;
    private Queue<BlockedWriter>? _blockedWriters;

    // The reader's wait: at most one at a time, reused. _signalled records a signal the reader was not waiting for.
    private ManualResetValueTaskSourceCore<bool> _readerWait = new() { RunContinuationsAsynchronously = true };
    private bool _readerWaiting;
    private bool _signalled;

    // While the runner is inside the agent's synchronous part, the agent's own wakes (an enqueue, its completion) are
    // held: one wake when it first awaits or returns, not one thread-pool hop per emit.
    private bool _agentWakesHeld;
    private bool _agentWakeHeld;

    private int _stopReason;
    private int _heartbeatDue;
    private AgentCompletion? _completion;
    private AgUiEventType? _lifecycleMisuse;

    public RunEventQueue(CancellationTokenSource runCancellation)
    {
        _runCancellation = runCancellation;
    }

    /// <summary>Why the run was stopped; <see cref="RunStopReason.None"/> while it runs.</summary>
    public RunStopReason StopReason => (RunStopReason)Volatile.Read(ref _stopReason);

    /// <summary>What the agent returned, once it has.</summary>
    public AgentCompletion? Completion => Volatile.Read(ref _completion);

    /// <summary>The lifecycle event the agent tried to emit itself, if it did (a protocol violation).</summary>
    public AgUiEventType? LifecycleMisuse => _lifecycleMisuse;

    /// <summary>Queues one event from the agent; waits while the queue is full.</summary>
    public ValueTask EnqueueAsync(AgUiEvent agUiEvent)
    {
        if (StopReason != RunStopReason.None)
        {
            return ValueTask.FromException(Stopped());
        }

        BlockedWriter? blocked = null;
        bool wakeReader;
        lock (this)
        {
            if (_closed)
            {
                return ValueTask.FromException(Stopped());
            }

            if (_count < Capacity && _blockedWriters is not { Count: > 0 })
            {
                Push(agUiEvent);

                // A full queue wakes the reader even while held: the agent's next emit waits for it to drain.
                wakeReader = _count < Capacity ? TakeWaitingReaderUnlessHeld() : TakeWaitingReader();
            }
            else
            {
                blocked = new BlockedWriter(agUiEvent);
                (_blockedWriters ??= new Queue<BlockedWriter>()).Enqueue(blocked);
                wakeReader = TakeWaitingReader();
            }
        }

        if (blocked is null)
        {
            if (wakeReader)
            {
                _readerWait.SetResult(true);
            }

            return default;
        }

        return WaitUntilQueuedAsync(blocked);
    }

    private async ValueTask WaitUntilQueuedAsync(BlockedWriter blocked)
    {
        bool queued;
        var token = _runCancellation.Token;
        using (token.UnsafeRegister(static (state, token) => ((BlockedWriter)state!).TrySetCanceled(token), blocked))
        {
            queued = await blocked.Task.ConfigureAwait(false);
        }

        if (!queued)
        {
            throw Stopped();
        }
    }

    private Exception Stopped() => StopReason == RunStopReason.Ended && !_runCancellation.IsCancellationRequested
        ? new InvalidOperationException("The run has ended; no more events can be emitted.")
        : new OperationCanceledException("The run was stopped; no more events can be emitted.", _runCancellation.Token);

    /// <summary>Takes the oldest queued event, if any (the reader only).</summary>
    public bool TryRead(out AgUiEvent agUiEvent)
    {
        lock (this)
        {
            if (_count == 0)
            {
                agUiEvent = null!;
                return false;
            }

            agUiEvent = _items[_head];
            _items[_head] = null!;
            _head = _head + 1 == _items.Length ? 0 : _head + 1;
            _count--;
            if (_count <= ResumeWritersAt && _blockedWriters is { Count: > 0 } blocked)
            {
                // Their events join the queue in order; each writer resumes on the thread pool.
                while (_count < Capacity && blocked.TryDequeue(out var writer))
                {
                    if (writer.TrySetResult(true))
                    {
                        Push(writer.Event);
                    }
                }
            }

            return true;
        }
    }

    /// <summary>
    /// Completes when an event is queued or a signal (stop, completion, heartbeat) arrives — at once when one is
    /// already there (the reader only; one wait at a time).
    /// </summary>
    /// <returns>Whether events may still come.</returns>
    public ValueTask<bool> WaitToReadAsync()
    {
        lock (this)
        {
            if (_count > 0 || _signalled || _closed)
            {
                _signalled = false;
                return new ValueTask<bool>(_count > 0 || !_closed);
            }

            _readerWait.RunContinuationsAsynchronously = true;
            _readerWait.Reset();
            _readerWaiting = true;
            return new ValueTask<bool>(this, _readerWait.Version);
        }
    }

    /// <summary>Records that the agent tried to write a lifecycle event, which only the library writes.</summary>
    public void RecordLifecycleMisuse(AgUiEventType type) => _lifecycleMisuse ??= type;

    /// <summary>
    /// Stops the run for <paramref name="reason"/> unless it was already stopped: wakes the stream writer, then
    /// cancels the agent's token (its callbacks run on the thread pool, never on the caller).
    /// </summary>
    /// <returns>Whether this call stopped the run.</returns>
    public bool TryStop(RunStopReason reason)
    {
        if (Interlocked.CompareExchange(ref _stopReason, (int)reason, (int)RunStopReason.None) != (int)RunStopReason.None)
        {
            return false;
        }

        Wake();
        _ = CancelQuietlyAsync();
        return true;
    }

    private async Task CancelQuietlyAsync()
    {
        try
        {
            await _runCancellation.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The run is over and its resources released.
        }
        catch (AggregateException)
        {
            // A callback the agent registered threw; the run is stopping regardless.
        }
    }

    /// <summary>Records the agent's completion and wakes the stream writer (when the agent's wakes are released, if held).</summary>
    public void Complete(AgentCompletion completion)
    {
        Volatile.Write(ref _completion, completion);
        lock (this)
        {
            if (_agentWakesHeld)
            {
                _agentWakeHeld = true;
                return;
            }
        }

        Wake();
    }

    /// <summary>
    /// Holds the wakes the agent causes (its enqueues, its completion) until <see cref="ReleaseAgentWakes"/>: for the
    /// synchronous part of the agent, whose burst of emits then costs the reader one wake instead of a thread-pool hop
    /// each. A full queue still wakes the reader, and so do the signals that do not come from the agent (stop,
    /// heartbeat).
    /// </summary>
    internal void HoldAgentWakes()
    {
        lock (this)
        {
            _agentWakesHeld = true;
        }
    }

    /// <summary>
    /// Ends <see cref="HoldAgentWakes"/>: if the agent enqueued or completed meanwhile, the reader is woken once, and
    /// if it was waiting it runs on, inline on this thread, until it waits again.
    /// </summary>
    internal void ReleaseAgentWakes()
    {
        lock (this)
        {
            _agentWakesHeld = false;
            if (!_agentWakeHeld)
            {
                return;
            }

            _agentWakeHeld = false;
            if (!TakeWaitingReader())
            {
                _signalled = true;
                return;
            }

            // Restored by the reader's next wait (under this lock) before any other thread can complete it.
            _readerWait.RunContinuationsAsynchronously = false;
        }

        _readerWait.SetResult(true);
    }

    /// <summary>Asks the stream writer for a heartbeat.</summary>
    public void RequestHeartbeat()
    {
        Volatile.Write(ref _heartbeatDue, 1);
        Wake();
    }

    /// <summary>Whether a heartbeat was asked for since the last call (and clears the request).</summary>
    public bool TakeHeartbeatRequest() => Interlocked.Exchange(ref _heartbeatDue, 0) == 1;

    /// <summary>Refuses further events: after the terminal event, or when the client is gone.</summary>
    public void Seal()
    {
        Interlocked.CompareExchange(ref _stopReason, (int)RunStopReason.Ended, (int)RunStopReason.None);
        BlockedWriter[] refused;
        bool wakeReader;
        lock (this)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;

            // Nothing reads after the seal: what is still queued is dropped and the buffer goes back to the pool.
            ReturnItems();
            _items = [];
            _head = 0;
            _count = 0;
            refused = _blockedWriters is { Count: > 0 } blocked ? [.. blocked] : [];
            _blockedWriters?.Clear();
            wakeReader = TakeWaitingReader();
        }

        foreach (var writer in refused)
        {
            writer.TrySetResult(false);
        }

        if (wakeReader)
        {
            _readerWait.SetResult(false);
        }
    }

    /// <summary>Wakes the reader, or leaves it a signal when it is busy.</summary>
    private void Wake()
    {
        lock (this)
        {
            if (!TakeWaitingReader())
            {
                _signalled = true;
                return;
            }
        }

        _readerWait.SetResult(true);
    }

    /// <summary>As <see cref="TakeWaitingReader"/>, but while the agent's wakes are held only records that one is due.</summary>
    private bool TakeWaitingReaderUnlessHeld()
    {
        if (_agentWakesHeld)
        {
            _agentWakeHeld = true;
            return false;
        }

        return TakeWaitingReader();
    }

    /// <summary>Whether the reader was waiting; it then no longer is and the caller must complete its wait.</summary>
    private bool TakeWaitingReader()
    {
        if (!_readerWaiting)
        {
            return false;
        }

        _readerWaiting = false;
        return true;
    }

    private void ReturnItems()
    {
        if (_items.Length > 0)
        {
            Array.Clear(_items);
            ArrayPool<AgUiEvent>.Shared.Return(_items);
        }
    }

    private void Push(AgUiEvent agUiEvent)
    {
        if (_count == _items.Length)
        {
            // Pooled (a 100-event run would otherwise allocate four buffers on its way to 128); given back cleared.
            var grown = ArrayPool<AgUiEvent>.Shared.Rent(Math.Min(Math.Max(_items.Length * 2, InitialBufferLength), Capacity));
            for (var i = 0; i < _count; i++)
            {
                grown[i] = _items[(_head + i) % _items.Length];
            }

            ReturnItems();
            _items = grown;
            _head = 0;
        }

        var tail = _head + _count;
        _items[tail >= _items.Length ? tail - _items.Length : tail] = agUiEvent;
        _count++;
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _readerWait.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _readerWait.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _readerWait.OnCompleted(continuation, state, token, flags);

    /// <summary>A writer waiting for room: true once its event is queued, false when the queue was sealed.</summary>
    private sealed class BlockedWriter(AgUiEvent agUiEvent) : TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public AgUiEvent Event { get; } = agUiEvent;
    }
}
