namespace AutomagikHello.AgUi.Redis;

/// <summary>
/// Settings of a <see cref="RedisThreadStore"/> and a <see cref="RedisRunCancellationBus"/>. Every instance of one
/// application must use the same values. Call <see cref="Validate"/> at start-up (the store does).
/// </summary>
public sealed class RedisThreadStoreOptions
{
    /// <summary>The largest <see cref="CachedRecords"/> accepted.</summary>
    public const int MaxCachedRecords = 1_000_000;

    /// <summary>The longest <see cref="KeyPrefix"/> accepted.</summary>
    public const int MaxKeyPrefixLength = 128;

    /// <summary>
    /// Prepended to every key and channel name, so that several applications can share one Redis. Thread keys are
    /// <c>{prefix}thread:{agent}:{owner}:{threadId}</c> (with <c>%</c> and <c>:</c> escaped in each part) and the
    /// cancel channel is <c>{prefix}cancel</c>. Default <c>agui:</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "agui:";

    /// <summary>
    /// How long a thread's key lives after its last write (each write sets the TTL again); a key never expires before
    /// the lease it holds. Default 7 days.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The Redis database number, or -1 for the connection's default. Default -1.</summary>
    public int Database { get; set; } = -1;

    /// <summary>
    /// How many threads' last records an instance remembers, so that its next write to such a thread (a chat's next
    /// run) skips loading the record first; 0 turns it off. A remembered record is only a guess at the current one:
    /// the write is still conditional on its version, and another instance having written since costs one failed
    /// write and a load. Memory: at most this many records (about the size of each thread's JSON, typically 1–2 KB),
    /// least recently used dropped first. A record is used only within half of <see cref="Retention"/> of its last
    /// change (clock skew between instances must stay below that). Keep it above the runs an instance holds at once:
    /// every held run renews its lease every few seconds, and with more held runs than remembered records the least
    /// recently used order drops each thread just before its renewal, so every renewal loads its record first (a
    /// second round trip). Default 10,000; at most <see cref="MaxCachedRecords"/>.
    /// </summary>
    public int CachedRecords { get; set; } = 10_000;

    /// <summary>
    /// How long a run's event log (<see cref="RedisRunEventLog"/>) is kept, counted from the run's start (its keys expire
    /// then). Default 1 day; between one minute and 3650 days.
    /// </summary>
    public TimeSpan RunLogRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How long a run dropped by retention (or for its size) still reads as expired before it reads as unknown, so a late
    /// reconnect is told "gone" (410) rather than "never existed" (404): its small state hash lives this much longer
    /// than its events. Default 1 day; at most 3650 days.
    /// </summary>
    public TimeSpan ExpiredRunMemory { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// The most events one run's log holds: an append beyond it drops the run's log whole (it reads as expired and the
    /// append fails), so one runaway run cannot fill Redis. Default 100,000; at least 1.
    /// </summary>
    public int RunLogMaxEvents { get; set; } = 100_000;

    /// <summary>
    /// The most bytes (events and start conversation) one run's log holds, with the same effect as
    /// <see cref="RunLogMaxEvents"/>. Default 64 MiB; at least 1 KiB.
    /// </summary>
    public long RunLogMaxBytes { get; set; } = 64L << 20;

    /// <summary>
    /// How often a reader waiting for a run's next event checks Redis itself, in case an announcement on the run-log
    /// channel was lost (pub/sub is at most once: a message sent while this instance was disconnected is lost). Appends
    /// on any instance wake it at once otherwise. Default 1 second; between 10 ms and 10 s.
    /// </summary>
    public TimeSpan RunLogPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Checks every setting and throws one exception naming each problem.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(KeyPrefix))
        {
            problems.Add("KeyPrefix is required (e.g. \"agui:\"), so that the store's keys cannot collide with other data.");
        }
        else if (KeyPrefix.Length > MaxKeyPrefixLength || KeyPrefix.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            problems.Add($"KeyPrefix must be at most {MaxKeyPrefixLength} characters without spaces or control characters.");
        }

        if (Retention < TimeSpan.FromMinutes(1) || Retention > TimeSpan.FromDays(3650))
        {
            problems.Add($"Retention must be between one minute and 3650 days; it is {Retention}.");
        }

        if (Database < -1)
        {
            problems.Add($"Database must be -1 (the connection's default) or a database number; it is {Database}.");
        }

        if (CachedRecords is < 0 or > MaxCachedRecords)
        {
            problems.Add($"CachedRecords must be between 0 and {MaxCachedRecords:N0}; it is {CachedRecords}.");
        }

        if (RunLogRetention < TimeSpan.FromMinutes(1) || RunLogRetention > TimeSpan.FromDays(3650))
        {
            problems.Add($"RunLogRetention must be between one minute and 3650 days; it is {RunLogRetention}.");
        }

        if (ExpiredRunMemory < TimeSpan.Zero || ExpiredRunMemory > TimeSpan.FromDays(3650))
        {
            problems.Add($"ExpiredRunMemory must be between zero and 3650 days; it is {ExpiredRunMemory}.");
        }

        if (RunLogMaxEvents < 1)
        {
            problems.Add($"RunLogMaxEvents must be at least 1; it is {RunLogMaxEvents}.");
        }

        if (RunLogMaxBytes < 1024)
        {
            problems.Add($"RunLogMaxBytes must be at least 1024; it is {RunLogMaxBytes}.");
        }

        if (RunLogPollInterval < TimeSpan.FromMilliseconds(10) || RunLogPollInterval > TimeSpan.FromSeconds(10))
        {
            problems.Add($"RunLogPollInterval must be between 10 ms and 10 s; it is {RunLogPollInterval}.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid RedisThreadStoreOptions: " + string.Join(" ", problems));
        }
    }
}
