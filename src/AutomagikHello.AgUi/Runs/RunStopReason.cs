namespace AutomagikHello.AgUi.Runs;

/// <summary>Why a run was stopped before its agent returned.</summary>
public enum RunStopReason
{
    /// <summary>Not stopped.</summary>
    None,

    /// <summary><c>POST {agent}/threads/{threadId}/cancel</c> asked for it (barge-in).</summary>
    CancelRequested,

    /// <summary><see cref="AgUiRunnerOptions.MaxRunDuration"/> elapsed.</summary>
    MaxDuration,

    /// <summary>The host is shutting down.</summary>
    Shutdown,

    /// <summary>The client went away; nothing more can be delivered.</summary>
    ClientDisconnected,

    /// <summary>The run no longer holds its thread's lease (<c>LEASE_LOST</c>): it ends with <c>RUN_ERROR</c>, its end unrecorded.</summary>
    LeaseLost,

    /// <summary>
    /// The store could not be reached to renew the lease until it lapsed (<c>STORE_UNAVAILABLE</c>): it ends with
    /// <c>RUN_ERROR</c>, its end unrecorded.
    /// </summary>
    LeaseLapsed,

    /// <summary>The stream already ended (the agent broke a rule, or the terminal event was written).</summary>
    Ended,
}
