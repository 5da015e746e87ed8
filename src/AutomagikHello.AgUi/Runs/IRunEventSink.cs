namespace AutomagikHello.AgUi.Runs;

/// <summary>
/// Where a run's events go once the <see cref="RunStreamWriter"/> has accepted them (sequence-checked, in order, the
/// terminal event last): the SSE response (<c>SseRunEventSink</c>) or the JSON resume endpoint's summary
/// (<c>RunSummarySink</c>), both in the ASP.NET Core package. The writer owns the run's lifecycle; a sink only receives. A new destination (an
/// event log a client can replay, a voice gateway) is one class implementing this, handed to
/// <see cref="AgUiRunner"/> in a <see cref="RunInvocation"/>.
/// </summary>
public interface IRunEventSink : IDisposable
{
    /// <summary>Takes one event; returns the bytes this adds to what the sink holds unsent (0 if it sends nothing).</summary>
    int Write(AgUiEvent agUiEvent);

    /// <summary>Marks an idle gap, for a receiver that must hear something (an SSE comment); returns the bytes added.</summary>
    int WriteHeartbeat();

    /// <summary>Sends what the sink holds; <see langword="false"/> when the receiver is gone.</summary>
    ValueTask<bool> FlushAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Called once after the terminal event was flushed (never when the receiver is gone): the receiver may be told
    /// the run is over (the SSE response is completed) while the agent is still being stopped.
    /// </summary>
    ValueTask CompleteAsync() => ValueTask.CompletedTask;
}
