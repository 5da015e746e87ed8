namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>The 202 answer of <c>POST {agent}/threads/{threadId}/cancel</c>.</summary>
internal sealed class CancelRunResponse
{
    /// <summary>The thread whose runs were stopped.</summary>
    public required string ThreadId { get; init; }

    /// <summary>The runs stopped; each stream ends with <c>RUN_FINISHED</c> outcome <c>cancelled</c>.</summary>
    public required IReadOnlyList<string> RunIds { get; init; }

    /// <summary>
    /// <c>cancelling</c>: runs in this process were asked to stop and their streams end as soon as their writers see it.
    /// <c>cancelled</c>: the run of another instance or process ended (its end is recorded).
    /// <c>released</c>: the run's owner did not answer in time and is taken as gone: its lease was ended, the thread is
    /// free, and the run's end is not recorded.
    /// </summary>
    public required string Status { get; init; }

    public const string Cancelling = "cancelling";

    public const string Cancelled = "cancelled";

    public const string Released = "released";
}
