namespace AutomagikHello.AgUi.EventLog;

/// <summary>What one read of a run's log returned.</summary>
public sealed class RunLogRead
{
    /// <summary>Where the log stood when read.</summary>
    public required RunLogStatus Status { get; init; }

    /// <summary>The entries after the id asked for, in order, at most the number asked for (empty unless open or finished).</summary>
    public required IReadOnlyList<RunLogEntry> Entries { get; init; }

    /// <summary>The id of the last entry the log holds (0 when it holds none), to tell "caught up" from "cut by the page size".</summary>
    public required long LastId { get; init; }
}
