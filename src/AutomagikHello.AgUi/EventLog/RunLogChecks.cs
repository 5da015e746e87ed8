namespace AutomagikHello.AgUi.EventLog;

/// <summary>
/// The argument checks and refusals every <see cref="IRunEventLog"/> shares, so that each implementation refuses the same
/// calls with the same exceptions before it touches its storage.
/// </summary>
public static class RunLogChecks
{
    /// <summary>Checks a batch for <see cref="IRunEventLog.AppendAsync"/> on its own: consecutive ids from 1 up, a terminal only last.</summary>
    /// <param name="key">The run, for the message.</param>
    /// <param name="entries">The batch (may be empty: nothing to append).</param>
    /// <exception cref="InvalidOperationException">The ids are not consecutive positive numbers, or a terminal entry is not the last.</exception>
    public static void CheckAppend(RunLogKey key, IReadOnlyList<RunLogEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(key.RunId, nameof(key));
        ArgumentNullException.ThrowIfNull(entries);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (entry.Id < 1 || (i > 0 && entry.Id != entries[i - 1].Id + 1))
            {
                throw new InvalidOperationException(
                    $"The entries appended to the event log of run '{key}' must have consecutive ids from 1 up; entry {i} has id {entry.Id}{(i > 0 ? $" after {entries[i - 1].Id}" : string.Empty)}. Nothing was appended.");
            }

            if (entry.IsTerminal && i != entries.Count - 1)
            {
                throw new InvalidOperationException(
                    $"The terminal entry (id {entry.Id}) appended to the event log of run '{key}' must be the last of its batch. Nothing was appended.");
            }
        }
    }

    /// <summary>Checks the first entries of a log for <see cref="IRunEventLog.CreateAndAppendAsync"/>: as <see cref="CheckAppend"/>, and the first id is 1.</summary>
    /// <param name="key">The run, for the message.</param>
    /// <param name="entries">The entries (may be empty: only the creation).</param>
    /// <exception cref="InvalidOperationException">The ids are not 1, 2, 3, …, or a terminal entry is not the last.</exception>
    public static void CheckFirstAppend(RunLogKey key, IReadOnlyList<RunLogEntry> entries)
    {
        CheckAppend(key, entries);
        if (entries.Count > 0 && entries[0].Id != 1)
        {
            throw new InvalidOperationException(
                $"The first entries of the event log of run '{key}' must start at id 1, not {entries[0].Id}. Nothing was created.");
        }
    }

    /// <summary>Checks the arguments of <see cref="IRunEventLog.ReadAsync"/>.</summary>
    /// <param name="afterId">The id after which to read: 0 or more.</param>
    /// <param name="maxEntries">How many entries at most: 1 or more.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static void CheckRead(long afterId, int maxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEntries);
    }

    /// <summary>The exception for an append the log refused, saying why.</summary>
    /// <param name="key">The run.</param>
    /// <param name="entries">The refused batch (not empty).</param>
    /// <param name="status">The log's status as found: not open, or <see cref="RunLogStatus.Open"/> when the ids do not continue it.</param>
    /// <param name="lastId">The log's last id as found.</param>
    /// <returns>The exception to throw.</returns>
    public static InvalidOperationException Refused(RunLogKey key, IReadOnlyList<RunLogEntry> entries, RunLogStatus status, long lastId)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var why = status switch
        {
            RunLogStatus.Unknown => "no log exists for this run",
            RunLogStatus.Finished => $"the log is finished (its terminal entry is id {lastId})",
            RunLogStatus.Expired => "the log was dropped by retention (its age or size)",
            _ => $"the ids must continue the log: its last id is {lastId}, so the next is {lastId + 1}, not {entries[0].Id}",
        };
        return new InvalidOperationException($"Cannot append to the event log of run '{key}': {why}. Nothing was appended.");
    }
}
