namespace AutomagikHello.AgUi.Threads;

/// <summary>Where a thread is in the interrupt-aware lifecycle.</summary>
public enum ThreadStatus
{
    /// <summary>No run is active and nothing waits for an answer.</summary>
    Idle,

    /// <summary>A run holds the thread's lease.</summary>
    Running,

    /// <summary>The last run ended with interrupts that wait for answers.</summary>
    Interrupted,
}
