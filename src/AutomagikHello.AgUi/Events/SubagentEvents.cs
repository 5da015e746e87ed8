using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutomagikHello.AgUi;

/// <summary><c>SUBAGENT_STARTED</c>: announces one subagent invocation.</summary>
public sealed class SubagentStartedEvent : AgUiEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.SubagentStarted;

    /// <summary>The invocation's identity (never reused within a run).</summary>
    public required string SubagentRunId { get; init; }

    /// <summary>The subagent's name.</summary>
    public required string Name { get; init; }

    /// <summary>What the subagent does.</summary>
    public string? Description { get; init; }

    /// <summary>The invocation that started this one.</summary>
    public string? ParentSubagentRunId { get; init; }

    /// <summary>The tool call that started this invocation.</summary>
    public string? ParentToolCallId { get; init; }

    /// <summary>The message that started this invocation.</summary>
    public string? ParentMessageId { get; init; }

    /// <inheritdoc />
    [JsonIgnore]
    public override string? Owner => ParentSubagentRunId;
}

/// <summary><c>SUBAGENT_FINISHED</c>: ends an invocation's segment.</summary>
public sealed class SubagentFinishedEvent : AgUiEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.SubagentFinished;

    /// <summary>The invocation.</summary>
    public required string SubagentRunId { get; init; }

    /// <summary>The invocation's result (any JSON except <c>null</c>).</summary>
    public JsonElement? Result { get; init; }

    /// <summary>How the invocation ended; absent means success.</summary>
    public SubagentFinishedOutcome? Outcome { get; init; }
}

/// <summary><c>SUBAGENT_ERROR</c>: an invocation failed; the run may continue.</summary>
public sealed class SubagentErrorEvent : AgUiEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.SubagentError;

    /// <summary>The invocation.</summary>
    public required string SubagentRunId { get; init; }

    /// <summary>A human-readable message.</summary>
    public required string Message { get; init; }

    /// <summary>A machine-readable code.</summary>
    public string? Code { get; init; }
}

/// <summary>How a subagent invocation ended (discriminated by <c>type</c>).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(SubagentSuccessOutcome), "success")]
[JsonDerivedType(typeof(SubagentSuspendedOutcome), "suspended")]
public abstract class SubagentFinishedOutcome
{
    private protected SubagentFinishedOutcome()
    {
    }
}

/// <summary><c>{"type":"success"}</c>.</summary>
public sealed class SubagentSuccessOutcome : SubagentFinishedOutcome
{
}

/// <summary><c>{"type":"suspended"}</c>: the invocation waits on interrupts of the run.</summary>
public sealed class SubagentSuspendedOutcome : SubagentFinishedOutcome
{
    /// <summary>The interrupts it waits on.</summary>
    public IReadOnlyList<string>? InterruptIds { get; init; }
}
