using System.Threading.Channels;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// The hand-off between an agent and its stream: a bounded channel of events (the agent waits when the client reads
/// slower than it writes) plus the signals that end the run — a stop request, the agent's completion and the
/// heartbeat. Many writers, one reader (<see cref="RunStreamWriter"/>). A <see langword="null"/> item only wakes the
/// reader, so signals never wait behind a full channel: when it is full the reader is busy and sees them anyway.
/// </summary>
internal sealed class RunEventQueue
{
    private const int Capacity = 256;

    private readonly Channel<AgUiEvent?> _channel = Channel.CreateBounded<AgUiEvent?>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        SingleWriter = false,
        FullMode = BoundedChannelFullMode.Wait,
        AllowSynchronousContinuations = false,
    });

    private readonly CancellationTokenSource _runCancellation;
    private int _stopReason;
    private int _heartbeatDue;
    private AgentCompletion? _completion;
    private AgUiEventType? _lifecycleMisuse;

    public RunEventQueue(CancellationTokenSource runCancellation)
    {
        _runCancellation = runCancellation;
    }

    /// <summary>The reader side, for the stream writer only.</summary>
    public ChannelReader<AgUiEvent?> Reader => _channel.Reader;

    /// <summary>Why the run was stopped; <see cref="RunStopReason.None"/> while it runs.</summary>
    public RunStopReason StopReason => (RunStopReason)Volatile.Read(ref _stopReason);

    /// <summary>What the agent returned, once it has.</summary>
    public AgentCompletion? Completion => Volatile.Read(ref _completion);

    /// <summary>The lifecycle event the agent tried to emit itself, if it did (a protocol violation).</summary>
    public AgUiEventType? LifecycleMisuse => _lifecycleMisuse;

    /// <summary>Queues one event from the agent; waits while the channel is full.</summary>
    public ValueTask EnqueueAsync(AgUiEvent agUiEvent)
    {
        if (StopReason != RunStopReason.None)
        {
            return ValueTask.FromException(Stopped());
        }

        return _channel.Writer.TryWrite(agUiEvent) ? default : EnqueueSlowAsync(agUiEvent);
    }

    private async ValueTask EnqueueSlowAsync(AgUiEvent agUiEvent)
    {
        try
        {
            await _channel.Writer.WriteAsync(agUiEvent, _runCancellation.Token).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw Stopped();
        }
    }

    private Exception Stopped() => StopReason == RunStopReason.Ended && !_runCancellation.IsCancellationRequested
        ? new InvalidOperationException("The run has ended; no more events can be emitted.")
        : new OperationCanceledException("The run was stopped; no more events can be emitted.", _runCancellation.Token);

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

    /// <summary>Records the agent's completion and wakes the stream writer.</summary>
    public void Complete(AgentCompletion completion)
    {
        Volatile.Write(ref _completion, completion);
        Wake();
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
        _channel.Writer.TryComplete();
    }

    private void Wake() => _channel.Writer.TryWrite(null);
}
