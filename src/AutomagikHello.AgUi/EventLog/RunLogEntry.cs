namespace AutomagikHello.AgUi.EventLog;

/// <summary>One event of a run as it was sent: its id within the run and the event's JSON, byte for byte.</summary>
/// <param name="Id">The event's id within its run: 1 for the first event, then consecutive.</param>
/// <param name="Event">The event's UTF-8 JSON exactly as the SSE <c>data:</c> line carried it.</param>
/// <param name="IsTerminal">Whether this is the run's terminal event (<c>RUN_FINISHED</c> or <c>RUN_ERROR</c>); nothing follows it.</param>
public readonly record struct RunLogEntry(long Id, ReadOnlyMemory<byte> Event, bool IsTerminal);
