namespace AutomagikHello.AgUi.EventLog;

/// <summary>Where a run's log stands.</summary>
public enum RunLogStatus
{
    /// <summary>No log for this run: never created, or another owner's run.</summary>
    Unknown,

    /// <summary>The run is still writing: more events may follow the last one.</summary>
    Open,

    /// <summary>The terminal event is in the log: nothing follows it.</summary>
    Finished,

    /// <summary>The log existed and was dropped by retention (age or size).</summary>
    Expired,
}
