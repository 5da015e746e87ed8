using System.Text.Json.Serialization;
using System.Text.Json;

namespace AutomagikHello.AgUi;

/// <summary><c>RUN_STARTED</c>: opens a run.</summary>
public sealed class RunStartedEvent : AgUiEvent
{
    /// <summary>The protocol version this library speaks, sent on every <c>RUN_STARTED</c>.</summary>
    public const string CurrentProtocolVersion = "1.0";

    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.RunStarted;

    /// <summary>The conversation (the input's <c>threadId</c>).</summary>
    public required string ThreadId { get; init; }

    /// <summary>The run (the input's <c>runId</c> for the requested run).</summary>
    public required string RunId { get; init; }

    /// <summary>The producer's own protocol version, e.g. <c>"1.0"</c>.</summary>
    public string? ProtocolVersion { get; init; }

    /// <summary>The run that spawned this one as a separate run.</summary>
    public string? ParentRunId { get; init; }

    /// <summary>An optional echo of the input the run was started from.</summary>
    public RunAgentInput? Input { get; init; }
}

/// <summary><c>RUN_FINISHED</c>: closes a run that did not fail.</summary>
public sealed class RunFinishedEvent : AgUiEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.RunFinished;

    /// <summary>The conversation.</summary>
    public required string ThreadId { get; init; }

    /// <summary>The run; equals the matching <c>RUN_STARTED</c>'s.</summary>
    public required string RunId { get; init; }

    /// <summary>The run's return value (any JSON except <c>null</c>); omit it on a cancelled run.</summary>
    public JsonElement? Result { get; init; }

    /// <summary>How the run ended; absent means success.</summary>
    [JsonConverter(typeof(Serialization.RunFinishedOutcomeConverter))]
    public RunFinishedOutcome? Outcome { get; init; }

    /// <summary>Token usage, one entry per provider and model.</summary>
    public IReadOnlyList<TokenUsage>? Usage { get; init; }
}

/// <summary><c>RUN_ERROR</c>: ends a run that failed.</summary>
public sealed class RunErrorEvent : AgUiEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.RunError;

    /// <summary>A human-readable message (non-empty).</summary>
    public required string Message { get; init; }

    /// <summary>A machine-readable code.</summary>
    public string? Code { get; init; }

    /// <summary>Tokens accrued before the failure.</summary>
    public IReadOnlyList<TokenUsage>? Usage { get; init; }
}

/// <summary><c>STEP_STARTED</c>: opens a named phase of the run.</summary>
public sealed class StepStartedEvent : AttributableEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.StepStarted;

    /// <summary>The step's name.</summary>
    public required string StepName { get; init; }
}

/// <summary><c>STEP_FINISHED</c>: closes a named phase of the run.</summary>
public sealed class StepFinishedEvent : AttributableEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override AgUiEventType EventType => AgUiEventType.StepFinished;

    /// <summary>The step's name.</summary>
    public required string StepName { get; init; }
}

/// <summary>Token usage for one provider and model. Counts the provider did not report stay absent.</summary>
public sealed class TokenUsage
{
    /// <summary>Lower-case vendor id, e.g. <c>openai</c>.</summary>
    public string? Provider { get; init; }

    /// <summary>The model.</summary>
    public string? Model { get; init; }

    /// <summary>Input tokens, cached and cache-write tokens included.</summary>
    public long? InputTokens { get; init; }

    /// <summary>Output tokens, reasoning tokens included.</summary>
    public long? OutputTokens { get; init; }

    /// <summary><see cref="InputTokens"/> plus <see cref="OutputTokens"/>.</summary>
    public long? TotalTokens { get; init; }

    /// <summary>Reasoning tokens (part of the output).</summary>
    public long? ReasoningTokens { get; init; }

    /// <summary>Input tokens read from a cache.</summary>
    public long? CachedInputTokens { get; init; }

    /// <summary>Input tokens written to a cache.</summary>
    public long? CacheWriteInputTokens { get; init; }
}
