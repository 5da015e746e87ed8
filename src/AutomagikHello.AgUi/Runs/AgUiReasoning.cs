namespace AutomagikHello.AgUi;

/// <summary>
/// A reasoning span opened by <see cref="AgUiRun.StartReasoningAsync"/>, holding reasoning messages. End it when the
/// reasoning is done; a span left open when the agent returns is ended for it.
/// </summary>
public sealed class AgUiReasoning
{
    private readonly AgUiRun _run;

    internal AgUiReasoning(AgUiRun run, string messageId)
    {
        _run = run;
        MessageId = messageId;
    }

    /// <summary>The span's id.</summary>
    public string MessageId { get; }

    /// <summary>Opens a streamed reasoning message in the span (<c>REASONING_MESSAGE_START</c>).</summary>
    /// <param name="messageId">The reasoning message's id; a new one when <see langword="null"/>.</param>
    /// <returns>The open reasoning message.</returns>
    public async ValueTask<AgUiReasoningMessage> StartMessageAsync(string? messageId = null)
    {
        var message = new AgUiReasoningMessage(_run, messageId ?? AgUiRun.NewId());
        await _run.EmitAsync(new ReasoningMessageStartEvent { MessageId = message.MessageId }).ConfigureAwait(false);
        return message;
    }

    /// <summary>Sends a whole reasoning message: start, one content event (none when empty) and end.</summary>
    /// <param name="text">The reasoning text.</param>
    /// <param name="messageId">The reasoning message's id; a new one when <see langword="null"/>.</param>
    /// <returns>The reasoning message's id.</returns>
    public async ValueTask<string> SendMessageAsync(string text, string? messageId = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var message = await StartMessageAsync(messageId).ConfigureAwait(false);
        if (text.Length > 0)
        {
            await message.AppendAsync(text).ConfigureAwait(false);
        }

        await message.EndAsync().ConfigureAwait(false);
        return message.MessageId;
    }

    /// <summary>Ends the span (<c>REASONING_END</c>).</summary>
    /// <returns>A task that completes when the event is queued.</returns>
    public ValueTask EndAsync() => _run.EmitAsync(new ReasoningEndEvent { MessageId = MessageId });
}
