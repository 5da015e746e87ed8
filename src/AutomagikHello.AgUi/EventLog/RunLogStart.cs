namespace AutomagikHello.AgUi.EventLog;

/// <summary>What a run's log is created with, before its first event.</summary>
public sealed class RunLogStart
{
    /// <summary>The run.</summary>
    public required RunLogKey Key { get; init; }

    /// <summary>When the run began; retention by age counts from here.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>
    /// The conversation the run began with, as UTF-8 JSON <c>{"messages":[…],"state":…}</c>: the validated input's
    /// messages and state, exactly as the agent saw them. A reloaded thread is this plus the events of its latest run.
    /// </summary>
    public required ReadOnlyMemory<byte> Conversation { get; init; }
}
