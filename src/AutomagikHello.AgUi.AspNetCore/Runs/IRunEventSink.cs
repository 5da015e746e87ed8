namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// Where a run's events go once the <see cref="RunStreamWriter"/> has accepted them (sequence-checked, in order, the
/// terminal event last): the SSE response (<see cref="SseRunEventSink"/>) or the JSON resume endpoint's summary
/// (<see cref="RunSummarySink"/>). The writer owns the run's lifecycle; a sink only receives.
/// </summary>
internal interface IRunEventSink : IDisposable
{
    /// <summary>Takes one event; returns the bytes this adds to what the sink holds unsent (0 if it sends nothing).</summary>
    int Write(AgUiEvent agUiEvent);

    /// <summary>Marks an idle gap, for a receiver that must hear something (an SSE comment); returns the bytes added.</summary>
    int WriteHeartbeat();

    /// <summary>Sends what the sink holds; <see langword="false"/> when the receiver is gone.</summary>
    ValueTask<bool> FlushAsync(CancellationToken cancellationToken);
}
