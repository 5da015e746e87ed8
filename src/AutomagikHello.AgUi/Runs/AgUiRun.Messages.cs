namespace AutomagikHello.AgUi;

/// <content>Text messages, tool calls, tool results and reasoning.</content>
public sealed partial class AgUiRun
{
    /// <summary>Opens a streamed text message (<c>TEXT_MESSAGE_START</c>); append to it and end it through the handle.</summary>
    /// <param name="messageId">The message id; a new one when <see langword="null"/>.</param>
    /// <param name="role">The message's role (never <c>tool</c>). Default <see cref="TextMessageRole.Assistant"/>.</param>
    /// <returns>The open message.</returns>
    public ValueTask<AgUiTextMessage> StartTextMessageAsync(string? messageId = null, TextMessageRole role = TextMessageRole.Assistant)
    {
        var message = new AgUiTextMessage(this, messageId ?? NewId());
        return After(EmitAsync(new TextMessageStartEvent { MessageId = message.MessageId, Role = role }), message);
    }

    /// <summary>
    /// Sends a whole text message in one call: <c>TEXT_MESSAGE_START</c>, one <c>TEXT_MESSAGE_CONTENT</c> (none when
    /// <paramref name="text"/> is empty) and <c>TEXT_MESSAGE_END</c>.
    /// </summary>
    /// <param name="text">The message's text.</param>
    /// <param name="messageId">The message id; a new one when <see langword="null"/>.</param>
    /// <param name="role">The message's role (never <c>tool</c>). Default <see cref="TextMessageRole.Assistant"/>.</param>
    /// <returns>The message id.</returns>
    public async ValueTask<string> SendTextMessageAsync(string text, string? messageId = null, TextMessageRole role = TextMessageRole.Assistant)
    {
        ArgumentNullException.ThrowIfNull(text);
        var message = await StartTextMessageAsync(messageId, role).ConfigureAwait(false);
        if (text.Length > 0)
        {
            await message.AppendAsync(text).ConfigureAwait(false);
        }

        await message.EndAsync().ConfigureAwait(false);
        return message.MessageId;
    }

    /// <summary>Opens a tool call (<c>TOOL_CALL_START</c>); stream its arguments and end it through the handle.</summary>
    /// <param name="toolCallName">The tool's name. A call to one of the input's frontend tools is answered by the client.</param>
    /// <param name="toolCallId">The call id; a new one when <see langword="null"/>.</param>
    /// <param name="parentMessageId">The assistant message holding the call, if any.</param>
    /// <returns>The open tool call.</returns>
    public ValueTask<AgUiToolCall> StartToolCallAsync(string toolCallName, string? toolCallId = null, string? parentMessageId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(toolCallName);
        var call = new AgUiToolCall(this, toolCallId ?? NewId(), toolCallName);
        return After(EmitAsync(new ToolCallStartEvent { ToolCallId = call.ToolCallId, ToolCallName = toolCallName, ParentMessageId = parentMessageId }), call);
    }

    /// <summary>
    /// Sends a whole tool call in one call: <c>TOOL_CALL_START</c>, one <c>TOOL_CALL_ARGS</c> and <c>TOOL_CALL_END</c>.
    /// A call to a frontend tool left unanswered is listed in the success outcome's <c>pendingToolCallIds</c>.
    /// </summary>
    /// <param name="toolCallName">The tool's name.</param>
    /// <param name="arguments">The arguments, conventionally a JSON document.</param>
    /// <param name="toolCallId">The call id; a new one when <see langword="null"/>.</param>
    /// <param name="parentMessageId">The assistant message holding the call, if any.</param>
    /// <returns>The tool call id.</returns>
    public async ValueTask<string> SendToolCallAsync(string toolCallName, string arguments, string? toolCallId = null, string? parentMessageId = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var call = await StartToolCallAsync(toolCallName, toolCallId, parentMessageId).ConfigureAwait(false);
        await call.AppendArgumentsAsync(arguments).ConfigureAwait(false);
        await call.EndAsync().ConfigureAwait(false);
        return call.ToolCallId;
    }

    /// <summary>Sends the result of a (backend) tool call (<c>TOOL_CALL_RESULT</c>), which creates a tool message.</summary>
    /// <param name="toolCallId">The call this answers.</param>
    /// <param name="content">The result: text (a string converts implicitly) or content parts.</param>
    /// <param name="messageId">The id of the tool message created; a new one when <see langword="null"/>.</param>
    /// <returns>The tool message's id.</returns>
    public ValueTask<string> SendToolResultAsync(string toolCallId, MessageContent content, string? messageId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(toolCallId);
        ArgumentNullException.ThrowIfNull(content);
        var id = messageId ?? NewId();
        return After(EmitAsync(new ToolCallResultEvent { MessageId = id, ToolCallId = toolCallId, Content = content, Role = ToolResultRole.Tool }), id);
    }

    /// <summary>
    /// Opens a reasoning span (<c>REASONING_START</c>); stream reasoning messages inside it and end it through the handle.
    /// </summary>
    /// <param name="messageId">The span id; a new one when <see langword="null"/>.</param>
    /// <returns>The open reasoning span.</returns>
    public ValueTask<AgUiReasoning> StartReasoningAsync(string? messageId = null)
    {
        var reasoning = new AgUiReasoning(this, messageId ?? NewId());
        return After(EmitAsync(new ReasoningStartEvent { MessageId = reasoning.MessageId }), reasoning);
    }
}
