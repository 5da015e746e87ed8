using System.Text.Json;
using System.Text.Json.Serialization;
using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary><c>GET {agent}/threads/{threadId}</c>: a thread as an integrator sees it.</summary>
internal sealed class ThreadView
{
    public required string ThreadId { get; init; }

    /// <summary><c>idle</c>, <c>running</c> or <c>interrupted</c>.</summary>
    public required string Status { get; init; }

    /// <summary>Increases with every change; also the response's ETag.</summary>
    public required long Version { get; init; }

    public string? LastRunId { get; init; }

    /// <summary>The run holding the thread, while one does.</summary>
    public string? ActiveRunId { get; init; }

    public required IReadOnlyList<PendingInterruptView> PendingInterrupts { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public static ThreadView From(ThreadRecord record, DateTimeOffset now)
    {
        var status = record.StatusAt(now);
        return new ThreadView
        {
            ThreadId = record.Key.ThreadId,
            Status = status switch
            {
                ThreadStatus.Running => "running",
                ThreadStatus.Interrupted => "interrupted",
                _ => "idle",
            },
            Version = record.Version,
            LastRunId = record.LastRunId,
            ActiveRunId = status == ThreadStatus.Running ? record.Lease?.RunId : null,
            PendingInterrupts = record.Pending.Select(p => new PendingInterruptView
            {
                Interrupt = p.Interrupt,
                RaisedByRunId = p.RaisedByRunId,
                ToolCallName = p.ToolCallName,
                ToolCallArguments = p.ToolCallArguments,
                Expired = p.Interrupt.IsExpiredAt(now),
                RequiresApprover = p.RequiresApprover,
                InDoubtRunId = record.InDoubtRunIdAt(p, now),
                Decision = p.Decision is { } d
                    ? new DecisionView { Status = d.Status, Payload = d.Payload, Metadata = d.Metadata, DecidedBy = d.DecidedBy, DecidedAt = d.DecidedAt, InDoubtRunId = d.InDoubtRunId }
                    : null,
            }).ToList(),
            UpdatedAt = record.UpdatedAt,
        };
    }
}

/// <summary>One pending interrupt with what the server recorded about it.</summary>
internal sealed class PendingInterruptView
{
    public required Interrupt Interrupt { get; init; }

    public required string RaisedByRunId { get; init; }

    /// <summary>For tool approvals: the recorded tool name and arguments (what an approver should review).</summary>
    public string? ToolCallName { get; init; }

    public string? ToolCallArguments { get; init; }

    public bool Expired { get; init; }

    /// <summary>Only an approver may resolve it (through the decision endpoint); the owner may only cancel it. Absent when false.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool RequiresApprover { get; init; }

    /// <summary>
    /// In doubt: a run claimed it and its end was never recorded, so its answer may have been acted on. Only a cancel
    /// or a re-approval (<c>"reapprove": true</c> on the decision endpoint) answers it. Absent when false.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool InDoubt => InDoubtRunId is not null;

    /// <summary>When in doubt: the run that claimed it and died.</summary>
    public string? InDoubtRunId { get; init; }

    public DecisionView? Decision { get; init; }
}

/// <summary>A decision recorded out of band.</summary>
internal sealed class DecisionView
{
    public required ResumeStatus Status { get; init; }

    public JsonElement? Payload { get; init; }

    public JsonElement? Metadata { get; init; }

    public string? DecidedBy { get; init; }

    public required DateTimeOffset DecidedAt { get; init; }

    /// <summary>When the decision settled a doubt (a re-approval or a cancel): the run that had died.</summary>
    public string? InDoubtRunId { get; init; }
}

/// <summary><c>POST {agent}/threads/{threadId}/interrupts/{interruptId}</c>: the decision's body.</summary>
internal sealed class DecisionRequest
{
    /// <summary><c>resolved</c> or <c>cancelled</c> (the strings only, as in a resume entry).</summary>
    [JsonConverter(typeof(ResumeStatusNameConverter))]
    public required ResumeStatus Status { get; init; }

    /// <summary>The answer, shaped by the interrupt's response schema (omit it when cancelling).</summary>
    public JsonElement? Payload { get; init; }

    /// <summary>Envelope data (a JSON object).</summary>
    public JsonElement? Metadata { get; init; }

    /// <summary>Re-approves an interrupt in doubt: the caller accepts that the earlier answer may already have been acted on.</summary>
    public bool Reapprove { get; init; }
}

/// <summary>
/// Reads a <see cref="ResumeStatus"/> by its exact protocol name, as the run endpoint's reader does: the default enum
/// converter would also take <c>1</c> or <c>"Resolved"</c>.
/// </summary>
internal sealed class ResumeStatusNameConverter : JsonConverter<ResumeStatus>
{
    public override ResumeStatus Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            if (reader.ValueTextEquals("resolved"u8))
            {
                return ResumeStatus.Resolved;
            }

            if (reader.ValueTextEquals("cancelled"u8))
            {
                return ResumeStatus.Cancelled;
            }
        }

        throw new JsonException("status must be \"resolved\" or \"cancelled\".");
    }

    public override void Write(Utf8JsonWriter writer, ResumeStatus value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value == ResumeStatus.Resolved ? "resolved"u8 : "cancelled"u8);
    }
}

/// <summary><c>POST {agent}/threads/{threadId}/resume</c> without <c>Accept: text/event-stream</c>: how the run ended.</summary>
internal sealed class RunSummary
{
    public required string ThreadId { get; init; }

    public required string RunId { get; init; }

    /// <summary><c>success</c>, <c>interrupt</c>, <c>cancelled</c> or <c>error</c>.</summary>
    public required string Outcome { get; init; }

    /// <summary>The new interrupts when the outcome is <c>interrupt</c>.</summary>
    public IReadOnlyList<Interrupt>? Interrupts { get; init; }

    public JsonElement? Result { get; init; }

    /// <summary>The <c>RUN_ERROR</c> code when the outcome is <c>error</c>.</summary>
    public string? ErrorCode { get; init; }

    public string? ErrorMessage { get; init; }

    /// <summary>Present when <see cref="Messages"/> holds only the first part of the run's text.</summary>
    public SummaryTruncation? Truncated { get; init; }

    /// <summary>The text the agent streamed, concatenated per message, in the order the messages ended.</summary>
    public IReadOnlyList<string>? Messages { get; init; }
}

/// <summary>
/// Why a <see cref="RunSummary"/>'s messages are cut: their text reached <see cref="AgUiOptions.MaxSummaryTextBytes"/>.
/// The run itself was not stopped; the outcome, interrupts, result and error are whole.
/// </summary>
internal sealed class SummaryTruncation
{
    /// <summary><see cref="AgUiErrorCodes.SummaryTruncated"/>.</summary>
    public required string Code { get; init; }

    /// <summary>The limit that was reached.</summary>
    public required int LimitBytes { get; init; }

    public required string Message { get; init; }
}
