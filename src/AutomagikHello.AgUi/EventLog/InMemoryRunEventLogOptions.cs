namespace AutomagikHello.AgUi.EventLog;

/// <summary>
/// Bounds of an <see cref="InMemoryRunEventLog"/>: per run (entries, bytes), in total (runs, bytes) and by age. Call
/// <see cref="Validate"/> at start-up (the log does). The byte bounds count what the log holds: the run's conversation
/// and the segments its events are kept in, whole (each event is kept as what differs from the one before it, a few
/// bytes for a streamed token where its JSON is ~100; segments grow from 512 bytes to 4 KiB, and an event larger than
/// that takes one of its own size). An open run also holds a copy of its last event, not counted.
/// </summary>
public sealed class InMemoryRunEventLogOptions
{
    /// <summary>
    /// The most events one run's log holds. An append past it fails (the run's live stream goes on; its log is
    /// finished with a coded <c>RUN_ERROR</c>). Default 100,000.
    /// </summary>
    public int MaxEntriesPerRun { get; set; } = 100_000;

    /// <summary>
    /// The most bytes one run's log holds (its conversation included); an append past it fails like one past
    /// <see cref="MaxEntriesPerRun"/>. Default 16 MiB. Events are held in segments counted whole (a run's first is 512
    /// bytes, then 1, 2 and 4 KiB), so a bound below the conversation plus 512 bytes holds no event at all.
    /// </summary>
    public long MaxBytesPerRun { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// The most runs kept. Past it, the oldest finished runs are dropped first; when every run kept is still open, a
    /// new run gets no log (its creation fails; it reads as expired) rather than an open run losing its own. Default 1,000.
    /// </summary>
    public int MaxRuns { get; set; } = 1_000;

    /// <summary>The most bytes kept across all runs; past it the oldest finished runs are dropped first. Default 256 MiB.</summary>
    public long MaxTotalBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// How long a run is kept, counted from its start, finished or not (as every log counts it: keep it above the
    /// runs' maximum duration). A dropped run reads as <see cref="RunLogStatus.Expired"/> for as long again. Default 1 hour.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Checks every setting and throws one exception naming each problem.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (MaxEntriesPerRun < 1)
        {
            problems.Add($"MaxEntriesPerRun must be at least 1; it is {MaxEntriesPerRun}.");
        }

        if (MaxBytesPerRun < 1)
        {
            problems.Add($"MaxBytesPerRun must be at least 1; it is {MaxBytesPerRun}.");
        }

        if (MaxRuns < 1)
        {
            problems.Add($"MaxRuns must be at least 1; it is {MaxRuns}.");
        }

        if (MaxTotalBytes < MaxBytesPerRun)
        {
            problems.Add($"MaxTotalBytes must be at least MaxBytesPerRun ({MaxBytesPerRun}); it is {MaxTotalBytes}.");
        }

        if (Retention <= TimeSpan.Zero || Retention > TimeSpan.FromDays(365))
        {
            problems.Add($"Retention must be positive and at most 365 days; it is {Retention}.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid InMemoryRunEventLogOptions: " + string.Join(" ", problems));
        }
    }
}
