using System.Text.Json;

namespace AutomagikHello.AgUi;

/// <summary>The one request of an AG-UI exchange: the body of <c>POST {agent}</c>.</summary>
public sealed class RunAgentInput
{
    /// <summary>The conversation, stable across runs.</summary>
    public required string ThreadId { get; init; }

    /// <summary>The requested run; never reused on a thread.</summary>
    public required string RunId { get; init; }

    /// <summary>The consumer's protocol version (<c>MAJOR.MINOR</c>); absent for pre-versioning clients.</summary>
    public string? ProtocolVersion { get; init; }

    /// <summary>The run that spawned this one as a separate run.</summary>
    public string? ParentRunId { get; init; }

    /// <summary>The starting state (any JSON except <c>null</c>); absent means <c>{}</c>.</summary>
    public JsonElement? State { get; init; }

    /// <summary>The complete history, in order.</summary>
    public required IReadOnlyList<Message> Messages { get; init; }

    /// <summary>Frontend tools offered for this run; absent is the same as empty.</summary>
    public IReadOnlyList<Tool>? Tools { get; init; }

    /// <summary>Context entries to expose to the model; absent is the same as empty.</summary>
    public IReadOnlyList<Context>? Context { get; init; }

    /// <summary>An opaque application channel, passed on unaltered.</summary>
    public JsonElement? ForwardedProps { get; init; }

    /// <summary>Answers to the interrupts of the thread's interrupted run.</summary>
    public IReadOnlyList<ResumeEntry>? Resume { get; init; }
}

/// <summary>A frontend tool offered to the agent.</summary>
public sealed class Tool
{
    /// <summary>The tool's name.</summary>
    public required string Name { get; init; }

    /// <summary>What the tool does.</summary>
    public required string Description { get; init; }

    /// <summary>A JSON Schema of the arguments, carried opaquely; absent means no arguments.</summary>
    public JsonElement? Parameters { get; init; }

    /// <summary>Extra information as a JSON object.</summary>
    public JsonElement? Metadata { get; init; }
}

/// <summary>A description and value pair the agent should expose to the model.</summary>
public sealed class Context
{
    /// <summary>What the value is.</summary>
    public required string Description { get; init; }

    /// <summary>The value.</summary>
    public required string Value { get; init; }
}
