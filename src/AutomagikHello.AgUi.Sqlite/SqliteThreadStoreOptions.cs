using Microsoft.Data.Sqlite;

namespace AutomagikHello.AgUi.Sqlite;

/// <summary>Settings of a <see cref="SqliteThreadStore"/>. Call <see cref="Validate"/> at start-up (the store does).</summary>
public sealed class SqliteThreadStoreOptions
{
    /// <summary>The largest <see cref="CachedRecords"/> accepted.</summary>
    public const int MaxCachedRecords = 1_000_000;

    /// <summary>The longest <see cref="BusyTimeout"/> accepted.</summary>
    public static readonly TimeSpan MaxBusyTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The Microsoft.Data.Sqlite connection string, e.g. <c>Data Source=App_Data/threads.db</c>. It must name a file
    /// (not <c>:memory:</c>) opened for writing; the store creates the file and its folder when missing. Pooling and
    /// timeouts are managed by the store (<see cref="MaxConnections"/>, <see cref="BusyTimeout"/>).
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// How long a statement waits for another connection's (or process's) write lock before the operation fails with
    /// <see cref="AgUi.Threads.ThreadStoreUnavailableException"/>. Default 5 seconds.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a thread may stay untouched before <see cref="SqliteThreadStore.RemoveExpiredThreadsAsync"/> removes it
    /// (a thread holding a live lease is never removed). Default 7 days.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Whether every commit is flushed to the disk (<c>PRAGMA synchronous = FULL</c>), so it survives a power loss or an
    /// operating-system crash. Default <see langword="false"/> (<c>NORMAL</c>, the usual setting in WAL mode): a commit
    /// survives the process being killed, and the last commits before a power loss may be rolled back; about ten times
    /// faster on most disks. Either way a write is acknowledged only after the commit holding it (writes queued together
    /// share one commit, and so one flush).
    /// </summary>
    public bool FlushEveryCommit { get; set; }

    /// <summary>
    /// How often the hosting registration (<c>AddSqliteThreadStore</c>) calls
    /// <see cref="SqliteThreadStore.RemoveExpiredThreadsAsync"/>; <see cref="Timeout.InfiniteTimeSpan"/> never does.
    /// Default 10 minutes.
    /// </summary>
    public TimeSpan RetentionSweepInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How many read connections the store keeps open and uses at once (more readers wait for one). Default 8. Writes
    /// use one further connection, shared by all writers (group commit).
    /// </summary>
    public int MaxConnections { get; set; } = 8;

    /// <summary>
    /// How many threads' last records an instance remembers, so that its next write to such a thread (a chat's next
    /// run) skips loading the record first; 0 turns it off. A remembered record is only a guess at the current one:
    /// the write is still conditional on its version, and another instance having written since costs one failed
    /// write and a load. Memory: at most this many records (about the size of each thread's JSON, typically 1–2 KB),
    /// least recently used dropped first. A record is used only within half of <see cref="Retention"/> of its last
    /// change (clock skew between instances must stay below that). With remembered records on, a write to a thread not
    /// remembered is first tried as an insert (a new chat's first begin reads nothing); one that exists costs a failed
    /// insert and then a load. Keep it above the runs an instance holds at once: every held run renews its lease every
    /// few seconds, and with more held runs than remembered records the least recently used order drops each thread
    /// just before its renewal, so every renewal reads its row. Default 10,000; at most <see cref="MaxCachedRecords"/>.
    /// </summary>
    public int CachedRecords { get; set; } = 10_000;

    /// <summary>
    /// How long a run's event log (<see cref="SqliteRunEventLog"/>) is kept, counted from the run's start: a reconnect or
    /// a reload within it finds the run's events. The sweep (<see cref="SqliteRunEventLog.RemoveExpiredRunsAsync"/>,
    /// every <see cref="RetentionSweepInterval"/> when hosted) drops older runs whole, running ones included. Default
    /// 1 day; at least one minute.
    /// </summary>
    public TimeSpan RunLogRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// The most bytes (events and start conversations) the kept run logs may hold together: above it, the sweep drops
    /// finished runs whole, oldest first, until they fit (running runs are dropped by age only). Default 1 GiB; at
    /// least 1 KiB.
    /// </summary>
    public long RunLogMaxBytes { get; set; } = 1L << 30;

    /// <summary>
    /// How long a dropped run still reads as expired (its row kept without its events and conversation) before it reads
    /// as unknown, so a late reconnect is told "gone" (410) rather than "never existed" (404). Default 1 day.
    /// </summary>
    public TimeSpan ExpiredRunMemory { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How often a reader waiting for a run's next event checks the file, for writers in another process (writers in
    /// this process wake it at once). Default 250 ms; between 10 ms and 10 s.
    /// </summary>
    public TimeSpan RunLogPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Checks every setting and throws one exception naming each problem.</summary>
    /// <exception cref="ArgumentException">A setting is out of range or the connection string is unusable.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            problems.Add("ConnectionString is required, e.g. \"Data Source=App_Data/threads.db\".");
        }
        else
        {
            try
            {
                var builder = new SqliteConnectionStringBuilder(ConnectionString);
                if (string.IsNullOrWhiteSpace(builder.DataSource))
                {
                    problems.Add("ConnectionString must name the database file (Data Source=...).");
                }
                else if (builder.Mode == SqliteOpenMode.Memory
                    || string.Equals(builder.DataSource, ":memory:", StringComparison.Ordinal)
                    || builder.DataSource.StartsWith("file::memory:", StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add("ConnectionString names an in-memory database; the SQLite store needs a file (use InMemoryThreadStore for a store in memory).");
                }

                if (builder.Mode == SqliteOpenMode.ReadOnly)
                {
                    problems.Add("ConnectionString opens the database read-only (Mode=ReadOnly); the store writes to it.");
                }
            }
            catch (ArgumentException ex)
            {
                // The message names the keyword, never the value (a connection string may carry a password).
                problems.Add($"ConnectionString is not a valid SQLite connection string: {ex.Message}");
            }
            catch (FormatException ex)
            {
                problems.Add($"ConnectionString is not a valid SQLite connection string: {ex.Message}");
            }
        }

        if (BusyTimeout <= TimeSpan.Zero || BusyTimeout > MaxBusyTimeout)
        {
            problems.Add($"BusyTimeout must be more than zero and at most {MaxBusyTimeout}; it is {BusyTimeout}.");
        }

        if (Retention < TimeSpan.FromMinutes(1))
        {
            problems.Add($"Retention must be at least one minute; it is {Retention}.");
        }

        if (RetentionSweepInterval != Timeout.InfiniteTimeSpan && (RetentionSweepInterval < TimeSpan.FromMilliseconds(100) || RetentionSweepInterval > TimeSpan.FromDays(1)))
        {
            problems.Add($"RetentionSweepInterval must be between 100 ms and one day, or Timeout.InfiniteTimeSpan; it is {RetentionSweepInterval}.");
        }

        if (MaxConnections is < 1 or > 256)
        {
            problems.Add($"MaxConnections must be between 1 and 256; it is {MaxConnections}.");
        }

        if (CachedRecords is < 0 or > MaxCachedRecords)
        {
            problems.Add($"CachedRecords must be between 0 and {MaxCachedRecords:N0}; it is {CachedRecords}.");
        }

        if (RunLogRetention < TimeSpan.FromMinutes(1))
        {
            problems.Add($"RunLogRetention must be at least one minute; it is {RunLogRetention}.");
        }

        if (RunLogMaxBytes < 1024)
        {
            problems.Add($"RunLogMaxBytes must be at least 1024; it is {RunLogMaxBytes}.");
        }

        if (ExpiredRunMemory < TimeSpan.Zero)
        {
            problems.Add($"ExpiredRunMemory must not be negative; it is {ExpiredRunMemory}.");
        }

        if (RunLogPollInterval < TimeSpan.FromMilliseconds(10) || RunLogPollInterval > TimeSpan.FromSeconds(10))
        {
            problems.Add($"RunLogPollInterval must be between 10 ms and 10 s; it is {RunLogPollInterval}.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid SqliteThreadStoreOptions: " + string.Join(" ", problems));
        }
    }
}
