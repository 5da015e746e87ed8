using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutomagikHello.AgUi;

/// <summary>A request for outside input that ends a run with the interrupt outcome.</summary>
public sealed class Interrupt
{
    /// <summary>Unique within the run; the key a resume entry answers.</summary>
    public required string Id { get; init; }

    /// <summary>Why the run asks: <see cref="InterruptReasons"/> or a namespaced custom string.</summary>
    public required string Reason { get; init; }

    /// <summary>A human-readable prompt.</summary>
    public string? Message { get; init; }

    /// <summary>The tool call an approval concerns.</summary>
    public string? ToolCallId { get; init; }

    /// <summary>A JSON Schema (an object) of the expected payload.</summary>
    public JsonElement? ResponseSchema { get; init; }

    /// <summary>When the interrupt expires, conventionally ISO-8601.</summary>
    public string? ExpiresAt { get; init; }

    /// <summary>Framework-specific data as a JSON object.</summary>
    public JsonElement? Metadata { get; init; }

    /// <summary>The subagent invocation that raised it.</summary>
    public string? SubagentRunId { get; init; }

    /// <summary>
    /// Whether the interrupt has expired at <paramref name="now"/>. An <see cref="ExpiresAt"/> that does not
    /// parse as a date never expires, as in the reference client.
    /// </summary>
    public bool IsExpiredAt(DateTimeOffset now) =>
        ExpiresAt is not null
        && DateTimeOffset.TryParse(ExpiresAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expiry)
        && expiry <= now;
}

/// <summary>The core interrupt reasons. Any other string is valid; namespace custom ones as <c>framework:name</c>.</summary>
public static class InterruptReasons
{
    /// <summary>An approval bound to a tool call (set <see cref="Interrupt.ToolCallId"/>).</summary>
    public const string ToolCall = "tool_call";

    /// <summary>Structured input (set <see cref="Interrupt.ResponseSchema"/>).</summary>
    public const string InputRequired = "input_required";

    /// <summary>A yes/no decision not bound to a tool.</summary>
    public const string Confirmation = "confirmation";
}

/// <summary>How a resume entry answers its interrupt.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ResumeStatus>))]
public enum ResumeStatus
{
    /// <summary><c>resolved</c>: answered (a denial lives inside the payload).</summary>
    [JsonStringEnumMemberName("resolved")]
    Resolved,
    /// <summary><c>cancelled</c>: abandoned without meaningful input.</summary>
    [JsonStringEnumMemberName("cancelled")]
    Cancelled,
}

/// <summary>One answer to one interrupt, carried in <see cref="RunAgentInput.Resume"/>.</summary>
public sealed class ResumeEntry
{
    /// <summary>The interrupt answered.</summary>
    public required string InterruptId { get; init; }

    /// <summary>Resolved or cancelled.</summary>
    public required ResumeStatus Status { get; init; }

    /// <summary>The answer (any JSON except <c>null</c>), shaped by the interrupt's response schema.</summary>
    public JsonElement? Payload { get; init; }

    /// <summary>Envelope data as a JSON object (signatures, routing keys), not the answer.</summary>
    public JsonElement? Metadata { get; init; }
}
