namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>The 202 answer of <c>POST {agent}/threads/{threadId}/cancel</c>.</summary>
internal sealed class CancelRunResponse
{
    /// <summary>The thread whose runs were stopped.</summary>
    public required string ThreadId { get; init; }

    /// <summary>The runs stopped; each stream ends with <c>RUN_FINISHED</c> outcome <c>cancelled</c>.</summary>
    public required IReadOnlyList<string> RunIds { get; init; }

    /// <summary>Always <c>cancelling</c>: the streams end as soon as their writers see the request.</summary>
    public string Status { get; } = "cancelling";
}
