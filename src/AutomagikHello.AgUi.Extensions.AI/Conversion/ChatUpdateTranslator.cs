using System.Text.Json;
using Microsoft.Extensions.AI;

namespace AutomagikHello.AgUi.Extensions.AI;

/// <summary>
/// Turns one run's stream of <see cref="ChatResponseUpdate"/>s into AG-UI events as they arrive: text into a text
/// message (a new one when the provider's message id changes), reasoning into a reasoning span, function calls into
/// whole tool calls (Microsoft.Extensions.AI delivers a call's arguments complete), function results into
/// <c>TOOL_CALL_RESULT</c>, approval requests into a tool call plus a <c>tool_call</c> interrupt, usage summed.
/// </summary>
internal sealed class ChatUpdateTranslator
{
    private readonly AgUiRun _run;
    private readonly IReadOnlySet<string> _streamedBefore;
    private readonly Func<string, AITool?> _findTool;
    private readonly DateTimeOffset? _approvalExpiry;
    private readonly HashSet<string> _callsStreamed = new(StringComparer.Ordinal);
    private AgUiTextMessage? _text;
    private string? _textSourceId;
    private string? _lastAssistantMessageId;
    private AgUiReasoning? _reasoning;
    private AgUiReasoningMessage? _reasoningMessage;
    private List<Interrupt>? _interrupts;

    /// <param name="run">The run to emit into.</param>
    /// <param name="streamedBefore">Calls already streamed by the run that asked for their approval: not streamed again.</param>
    /// <param name="findTool">The server tool of a name, for an approval's schema.</param>
    /// <param name="approvalExpiry">When approvals raised by this run lapse.</param>
    public ChatUpdateTranslator(AgUiRun run, IReadOnlySet<string> streamedBefore, Func<string, AITool?> findTool, DateTimeOffset? approvalExpiry)
    {
        _run = run;
        _streamedBefore = streamedBefore;
        _findTool = findTool;
        _approvalExpiry = approvalExpiry;
    }

    /// <summary>The usage reported so far, summed; <see langword="null"/> when none was.</summary>
    public UsageDetails? Usage { get; private set; }

    /// <summary>The model that answered, when the provider said.</summary>
    public string? ModelId { get; private set; }

    /// <summary>The approvals asked for, one interrupt per call; empty when none.</summary>
    public IReadOnlyList<Interrupt> Interrupts => _interrupts ?? (IReadOnlyList<Interrupt>)[];

    /// <summary>Emits one update of an <see cref="IChatClient"/>'s stream.</summary>
    public ValueTask OnUpdateAsync(ChatResponseUpdate update) => OnUpdateAsync(update.Contents, update.MessageId, update.ModelId);

    /// <summary>
    /// Emits one streamed update, given by its parts (so an update of another API, such as an Agent Framework
    /// agent's, is not copied into a <see cref="ChatResponseUpdate"/> per token).
    /// </summary>
    /// <param name="contents">The update's contents.</param>
    /// <param name="messageId">The provider's message id: a new one starts a new text message.</param>
    /// <param name="modelId">The model that produced it, when said.</param>
    public async ValueTask OnUpdateAsync(IList<AIContent> contents, string? messageId, string? modelId)
    {
        ModelId = modelId ?? ModelId;
        // Indexed, not foreach: enumerating an IList<AIContent> allocates an enumerator per update (per token).
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case TextContent { Text.Length: > 0 } text:
                    await CloseReasoningAsync().ConfigureAwait(false);
                    await TextMessageFor(messageId).ConfigureAwait(false);
                    await _text!.AppendAsync(text.Text).ConfigureAwait(false);
                    break;
                case TextReasoningContent { Text.Length: > 0 } reasoning:
                    await CloseTextAsync().ConfigureAwait(false);
                    await ReasoningMessage().ConfigureAwait(false);
                    await _reasoningMessage!.AppendAsync(reasoning.Text).ConfigureAwait(false);
                    break;
                case FunctionCallContent call:
                    await SendCallAsync(call).ConfigureAwait(false);
                    break;
                case FunctionResultContent result:
                    await CloseOpenAsync().ConfigureAwait(false);
                    await _run.SendToolResultAsync(result.CallId, ResultText(result)).ConfigureAwait(false);
                    break;
                case ToolApprovalRequestContent { ToolCall: FunctionCallContent call }:
                    if (await SendCallAsync(call).ConfigureAwait(false))
                    {
                        (_interrupts ??= []).Add(_run.CreateInterrupt(
                            InterruptReasons.ToolCall,
                            $"Approve the call to {call.Name}?",
                            ToolApprovalBinding.ResponseSchema(_findTool(call.Name)),
                            _approvalExpiry,
                            call.CallId));
                    }

                    break;
                case UsageContent usage:
                    (Usage ??= new UsageDetails()).Add(usage.Details);
                    break;
                case ErrorContent error:
                    // The provider's words stay in the log (the exception); the client gets the generic message.
                    throw new RunErrorException(
                        ChatClientErrorCodes.ModelError,
                        ModelRun.ModelErrorMessage,
                        new InvalidOperationException($"The chat client streamed an error ({error.ErrorCode}): {error.Message} {error.Details}"));
            }
        }
    }

    /// <summary>Ends the open text message or reasoning span.</summary>
    public async ValueTask CloseOpenAsync()
    {
        await CloseTextAsync().ConfigureAwait(false);
        await CloseReasoningAsync().ConfigureAwait(false);
    }

    /// <summary>Streams a call once (start, its whole arguments, end); <see langword="false"/> when it was already streamed.</summary>
    private async ValueTask<bool> SendCallAsync(FunctionCallContent call)
    {
        if (_streamedBefore.Contains(call.CallId) || !_callsStreamed.Add(call.CallId))
        {
            return false;
        }

        await CloseOpenAsync().ConfigureAwait(false);
        await _run.SendToolCallAsync(call.Name, ToolArguments.Serialize(call.Arguments), call.CallId, _lastAssistantMessageId).ConfigureAwait(false);
        return true;
    }

    private async ValueTask TextMessageFor(string? sourceId)
    {
        if (_text is not null && (sourceId is null || sourceId == _textSourceId))
        {
            return;
        }

        await CloseTextAsync().ConfigureAwait(false);
        _text = await _run.StartTextMessageAsync().ConfigureAwait(false);
        _textSourceId = sourceId;
        _lastAssistantMessageId = _text.MessageId;
    }

    private async ValueTask ReasoningMessage()
    {
        if (_reasoningMessage is not null)
        {
            return;
        }

        _reasoning = await _run.StartReasoningAsync().ConfigureAwait(false);
        _reasoningMessage = await _reasoning.StartMessageAsync().ConfigureAwait(false);
    }

    private async ValueTask CloseTextAsync()
    {
        if (_text is { } text)
        {
            _text = null;
            await text.EndAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask CloseReasoningAsync()
    {
        if (_reasoning is { } reasoning)
        {
            _reasoning = null;
            var message = _reasoningMessage!;
            _reasoningMessage = null;
            await message.EndAsync().ConfigureAwait(false);
            await reasoning.EndAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A function result as the text of a tool message: a string as is, anything else as JSON.</summary>
    private static string ResultText(FunctionResultContent result) => result.Result switch
    {
        null => result.Exception is null ? string.Empty : "Error: the tool failed.",
        string text => text,
        JsonElement { ValueKind: JsonValueKind.String } json => json.GetString()!,
        JsonElement json => json.GetRawText(),
        var other => JsonSerializer.Serialize(other, ToolArguments.Compact.GetTypeInfo(other.GetType())),
    };
}
