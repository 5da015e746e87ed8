using System.Buffers;
using System.Text.Json;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.AI;

namespace AutomagikHello.AgUi.Extensions.AI;

/// <summary>
/// Binds Microsoft.Extensions.AI's tool approvals to AG-UI interrupts. Out: each
/// <see cref="ToolApprovalRequestContent"/> becomes a <c>tool_call</c> interrupt whose response schema carries the
/// tool's own parameter schema for <c>editedArgs</c>, so the thread store refuses an edit the tool would not accept
/// (<c>INVALID_RESUME_PAYLOAD</c>) before the run begins. In: each answer becomes a request/response pair rebuilt from
/// the call the store recorded when the interrupt was raised (<see cref="ResumeAnswer.ToolCallName"/>,
/// <see cref="ResumeAnswer.ToolCallArguments"/>); whatever the client's history says about those calls is removed.
/// </summary>
internal static class ToolApprovalBinding
{
    /// <summary>What the model is told of a denied call.</summary>
    internal const string DeniedReason = "The user denied this tool call.";

    /// <summary>What the model is told of a call whose approval was cancelled.</summary>
    internal const string CancelledReason = "The approval was cancelled; the tool was not run.";

    /// <summary>
    /// The response schema of an approval for <paramref name="tool"/>: <c>approved</c> (required) and
    /// <c>editedArgs</c> shaped by the tool's parameter schema. A tool without a usable schema (none, or one the
    /// store's validator cannot use) accepts no edit (<c>editedArgs: false</c>): it fails closed.
    /// </summary>
    public static JsonElement ResponseSchema(AITool? tool)
    {
        if (tool is AIFunctionDeclaration function && Write(function.JsonSchema) is { } withEdits && ResponseSchemas.FindProblem(withEdits) is null)
        {
            return withEdits;
        }

        return Write(null)!.Value;
    }

    private static JsonElement? Write(JsonElement? argumentsSchema)
    {
        if (argumentsSchema is { ValueKind: not JsonValueKind.Object })
        {
            return null;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "object"u8);
            writer.WriteStartObject("properties"u8);
            writer.WriteStartObject("approved"u8);
            writer.WriteString("type"u8, "boolean"u8);
            writer.WriteEndObject();
            writer.WritePropertyName("editedArgs"u8);
            if (argumentsSchema is { } schema)
            {
                schema.WriteTo(writer);
            }
            else
            {
                writer.WriteBooleanValue(false);
            }

            writer.WriteEndObject();
            writer.WriteStartArray("required"u8);
            writer.WriteStringValue("approved"u8);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Puts the resume's tool approvals into <paramref name="history"/> as Microsoft.Extensions.AI expects them (an
    /// assistant message of <see cref="ToolApprovalRequestContent"/>, a user message of
    /// <see cref="ToolApprovalResponseContent"/>), built only from the recorded calls: the client's copies of those
    /// calls and any result it sent for them are removed first, so neither the tool nor its arguments can be changed
    /// except through validated <c>editedArgs</c>, and a forged result cannot stand in for the run.
    /// </summary>
    /// <returns>The ids of the calls answered (already streamed in the run that asked).</returns>
    public static HashSet<string> Apply(List<ChatMessage> history, IReadOnlyList<ResumeAnswer> answers)
    {
        var answered = new HashSet<string>(StringComparer.Ordinal);
        List<AIContent>? requests = null;
        List<AIContent>? responses = null;
        foreach (var answer in answers)
        {
            if (ToolApproval.From(answer) is not { ToolName: { } name } approval)
            {
                continue; // not a tool approval, or no recorded call: nothing to run
            }

            if (!answered.Add(approval.ToolCallId))
            {
                continue;
            }

            // The recorded call, with the validated edit when there is one: request and response carry the same
            // call, so a binding that rebinds a response to its request (Agent Framework's) keeps the edit.
            var toRun = new FunctionCallContent(
                approval.ToolCallId,
                name,
                ToolArguments.Parse(approval.ArgumentsEdited ? approval.Arguments! : answer.ToolCallArguments ?? "{}"));
            var requestId = answer.Interrupt.Id;
            (requests ??= []).Add(new ToolApprovalRequestContent(requestId, toRun));
            (responses ??= []).Add(new ToolApprovalResponseContent(requestId, approval.Approved, toRun)
            {
                Reason = approval.Approved ? null : approval.Cancelled ? CancelledReason : DeniedReason,
            });
        }

        if (requests is null)
        {
            return answered;
        }

        var anchor = RemoveClientCopies(history, answered);
        history.InsertRange(anchor, [new ChatMessage(ChatRole.Assistant, requests), new ChatMessage(ChatRole.User, responses!)]);
        return answered;
    }

    /// <summary>
    /// Removes every call and result naming an answered call id; returns where the approvals go: after the message
    /// that held the first removed call, else at the end.
    /// </summary>
    private static int RemoveClientCopies(List<ChatMessage> history, HashSet<string> answered)
    {
        var anchor = -1;
        for (var i = 0; i < history.Count; i++)
        {
            var contents = history[i].Contents;
            var removedCall = false;
            for (var j = contents.Count - 1; j >= 0; j--)
            {
                switch (contents[j])
                {
                    case FunctionCallContent call when answered.Contains(call.CallId):
                        contents.RemoveAt(j);
                        removedCall = true;
                        break;
                    case FunctionResultContent result when answered.Contains(result.CallId):
                        contents.RemoveAt(j);
                        break;
                }
            }

            if (removedCall && anchor < 0)
            {
                anchor = i + 1;
            }

            if (contents.Count == 0)
            {
                history.RemoveAt(i);
                if (anchor > i)
                {
                    anchor--;
                }

                i--;
            }
        }

        return anchor < 0 ? history.Count : anchor;
    }
}
