using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutomagikHello.AgUi;

/// <summary>A message of the conversation, discriminated by <c>role</c>.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "role")]
[JsonDerivedType(typeof(DeveloperMessage), "developer")]
[JsonDerivedType(typeof(SystemMessage), "system")]
[JsonDerivedType(typeof(AssistantMessage), "assistant")]
[JsonDerivedType(typeof(UserMessage), "user")]
[JsonDerivedType(typeof(ToolMessage), "tool")]
[JsonDerivedType(typeof(ActivityMessage), "activity")]
[JsonDerivedType(typeof(ReasoningMessage), "reasoning")]
public abstract class Message
{
    private protected Message()
    {
    }

    /// <summary>The message's id, unique within the thread.</summary>
    [JsonPropertyOrder(-1)]
    public required string Id { get; init; }

    /// <summary>The subagent invocation the message is attributed to.</summary>
    [JsonPropertyOrder(98)]
    public string? SubagentRunId { get; init; }

    /// <summary>Extra information as a JSON object.</summary>
    [JsonPropertyOrder(100)]
    public JsonElement? Metadata { get; init; }
}

/// <summary>A message that may carry an author name and an encrypted provider artefact.</summary>
public abstract class AuthoredMessage : Message
{
    private protected AuthoredMessage()
    {
    }

    /// <summary>An optional author name.</summary>
    [JsonPropertyOrder(10)]
    public string? Name { get; init; }

    /// <summary>An opaque provider artefact returned from an earlier run.</summary>
    [JsonPropertyOrder(11)]
    public string? EncryptedValue { get; init; }
}

/// <summary>A <c>developer</c> message.</summary>
public sealed class DeveloperMessage : AuthoredMessage
{
    /// <summary>The text.</summary>
    public required string Content { get; init; }
}

/// <summary>A <c>system</c> message.</summary>
public sealed class SystemMessage : AuthoredMessage
{
    /// <summary>The text.</summary>
    public required string Content { get; init; }
}

/// <summary>An <c>assistant</c> message, possibly holding tool calls.</summary>
public sealed class AssistantMessage : AuthoredMessage
{
    /// <summary>The text, if any.</summary>
    public string? Content { get; init; }

    /// <summary>The tool calls the assistant made.</summary>
    public IReadOnlyList<ToolCall>? ToolCalls { get; init; }
}

/// <summary>A <c>user</c> message: text or content parts.</summary>
public sealed class UserMessage : AuthoredMessage
{
    /// <summary>The content.</summary>
    public required MessageContent Content { get; init; }
}

/// <summary>A <c>tool</c> message: the result of a tool call.</summary>
public sealed class ToolMessage : Message
{
    /// <summary>The result: text or content parts.</summary>
    public required MessageContent Content { get; init; }

    /// <summary>The call this answers.</summary>
    public required string ToolCallId { get; init; }

    /// <summary>An error reported alongside the content.</summary>
    public string? Error { get; init; }

    /// <summary>An opaque provider artefact.</summary>
    public string? EncryptedValue { get; init; }
}

/// <summary>An <c>activity</c> message (created by activity events; consumers strip it from input).</summary>
public sealed class ActivityMessage : Message
{
    /// <summary>The kind of activity.</summary>
    public required string ActivityType { get; init; }

    /// <summary>The activity content, a JSON object.</summary>
    public required JsonElement Content { get; init; }
}

/// <summary>A <c>reasoning</c> message.</summary>
public sealed class ReasoningMessage : Message
{
    /// <summary>The reasoning text.</summary>
    public required string Content { get; init; }

    /// <summary>An opaque provider artefact.</summary>
    public string? EncryptedValue { get; init; }
}

/// <summary>A tool call held by an assistant message.</summary>
public sealed class ToolCall
{
    /// <summary>The call's id.</summary>
    public required string Id { get; init; }

    /// <summary>Always <c>"function"</c>.</summary>
    // Written as a public getter. Not [JsonInclude]: on a get-only property the source generator emits a setter
    // that throws, so reading any document carrying the member failed.
#pragma warning disable CA1822 // An instance member so the serializer writes the wire constant.
    public string Type => "function";
#pragma warning restore CA1822

    /// <summary>The function called and its arguments.</summary>
    public required FunctionCall Function { get; init; }

    /// <summary>An opaque provider artefact.</summary>
    public string? EncryptedValue { get; init; }

    /// <summary>Extra information as a JSON object.</summary>
    public JsonElement? Metadata { get; init; }
}

/// <summary>The function of a <see cref="ToolCall"/>.</summary>
public sealed class FunctionCall
{
    /// <summary>The tool's name.</summary>
    public required string Name { get; init; }

    /// <summary>The arguments as a raw JSON string (not parsed JSON).</summary>
    public required string Arguments { get; init; }
}
