using System.Text.Json;

namespace AutomagikHello.AgUi.Threads;

/// <summary>
/// A tool approval as the agent should act on it: the call the server recorded, whether it was approved, and the
/// arguments to run it with. Built from a <see cref="ResumeAnswer"/> to a <c>tool_call</c> interrupt whose payload
/// follows <c>{"approved": boolean, "editedArgs"?: object}</c>.
/// </summary>
public sealed class ToolApproval
{
    private ToolApproval(string toolCallId, string? toolName, bool approved, bool cancelled, string? arguments, bool edited)
    {
        ToolCallId = toolCallId;
        ToolName = toolName;
        Approved = approved;
        Cancelled = cancelled;
        Arguments = arguments;
        ArgumentsEdited = edited;
    }

    /// <summary>The tool call the approval is for (emit its <c>TOOL_CALL_RESULT</c> against this id).</summary>
    public string ToolCallId { get; }

    /// <summary>The tool's name as the server recorded it when the call was streamed (never the client's echo).</summary>
    public string? ToolName { get; }

    /// <summary>Whether to run the tool: resolved with <c>approved: true</c>.</summary>
    public bool Approved { get; }

    /// <summary>Whether the interrupt was cancelled (the tool must be treated as not executed).</summary>
    public bool Cancelled { get; }

    /// <summary>
    /// The arguments to run the tool with (raw JSON text): the reviewer's <c>editedArgs</c> when given (a full
    /// replacement, not a merge), otherwise the arguments the server recorded.
    /// </summary>
    public string? Arguments { get; }

    /// <summary>Whether <see cref="Arguments"/> are the reviewer's edit.</summary>
    public bool ArgumentsEdited { get; }

    /// <summary>
    /// Reads <paramref name="answer"/> as a tool approval; <see langword="null"/> when its interrupt is not a
    /// <c>tool_call</c> interrupt with a <c>toolCallId</c>. Anything the payload says about the tool other than
    /// <c>approved</c> and <c>editedArgs</c> is ignored.
    /// </summary>
    public static ToolApproval? From(ResumeAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.Interrupt.Reason != InterruptReasons.ToolCall || answer.Interrupt.ToolCallId is not { } toolCallId)
        {
            return null;
        }

        if (answer.Entry.Status == ResumeStatus.Cancelled)
        {
            return new ToolApproval(toolCallId, answer.ToolCallName, approved: false, cancelled: true, answer.ToolCallArguments, edited: false);
        }

        var approved = false;
        string? edited = null;
        if (answer.Entry.Payload is { ValueKind: JsonValueKind.Object } payload)
        {
            approved = payload.TryGetProperty("approved"u8, out var flag) && flag.ValueKind == JsonValueKind.True;
            if (payload.TryGetProperty("editedArgs"u8, out var args) && args.ValueKind == JsonValueKind.Object)
            {
                edited = args.GetRawText();
            }
        }
        else if (answer.Entry.Payload is { ValueKind: JsonValueKind.True })
        {
            approved = true;
        }

        return new ToolApproval(toolCallId, answer.ToolCallName, approved, cancelled: false, edited ?? answer.ToolCallArguments, edited is not null);
    }
}
