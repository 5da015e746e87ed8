namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// The live receiver of a logged run, behind the <see cref="RunEventLogSink"/>: the SSE response
/// (<see cref="SseRunEventSink"/>, which sends the frames the log sink wrote: each event is serialized once, into its
/// frame, and the log keeps the JSON inside it) or the JSON resume endpoint's summary (<see cref="RunSummarySink"/>,
/// which reads the event itself). Either way the run is logged the same.
/// </summary>
internal interface ILoggedRunReceiver : IRunEventSink
{
    /// <summary>Takes an event the log sink framed; returns the bytes added to what the receiver holds unsent.</summary>
    int WriteLogged(AgUiEvent agUiEvent);

    /// <summary>
    /// Sends the SSE frames of the events written since the last flush (each with its <c>id:</c> line; the log holds
    /// them already), then flushes as <see cref="IRunEventSink.FlushAsync"/> does.
    /// </summary>
    ValueTask<bool> FlushLoggedAsync(ReadOnlyMemory<byte> frames, CancellationToken cancellationToken);
}
