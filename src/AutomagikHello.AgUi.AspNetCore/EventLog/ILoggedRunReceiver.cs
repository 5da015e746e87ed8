namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// The live receiver of a logged run, behind the <see cref="RunEventLogSink"/>: the SSE response
/// (<see cref="SseRunEventSink"/>, which frames the JSON the log sink already wrote, with its id) or the JSON resume
/// endpoint's summary (<see cref="RunSummarySink"/>, which reads the event itself). Either way the run is logged the same.
/// </summary>
internal interface ILoggedRunReceiver : IRunEventSink
{
    /// <summary>Takes event <paramref name="id"/>, given both as the event and as its JSON; returns the bytes added to what the receiver holds unsent.</summary>
    int WriteLogged(long id, AgUiEvent agUiEvent, ReadOnlySpan<byte> eventJson);
}
