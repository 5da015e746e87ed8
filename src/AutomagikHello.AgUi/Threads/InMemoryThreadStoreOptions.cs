namespace AutomagikHello.AgUi.Threads;

/// <summary>Settings of an <see cref="InMemoryThreadStore"/>. Call <see cref="Validate"/> at start-up (the store does).</summary>
public sealed class InMemoryThreadStoreOptions
{
    /// <summary>The largest <see cref="MaxIdleThreads"/> accepted.</summary>
    public const int MaxIdleThreadsLimit = 100_000_000;

    /// <summary>
    /// How many idle threads (no pending interrupt, no run holding the lease) the store keeps. Beyond it, the least
    /// recently updated idle threads are forgotten, and with them what replay detection knows of their consumed
    /// interrupts. A thread with pending interrupts or a run in progress is never forgotten, however many there are.
    /// Default 1,000: every idle thread kept is an object the garbage collector keeps copying and scanning, and
    /// forgetting one loses no decision (see docs/stores.md); raise it when clients read threads long after they go idle.
    /// </summary>
    public int MaxIdleThreads { get; set; } = 1_000;

    /// <summary>Checks every setting and throws one exception naming each problem.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        if (MaxIdleThreads is < 1 or > MaxIdleThreadsLimit)
        {
            throw new ArgumentException(
                $"Invalid InMemoryThreadStoreOptions: MaxIdleThreads must be between 1 and {MaxIdleThreadsLimit:N0}; it is {MaxIdleThreads}.");
        }
    }
}
