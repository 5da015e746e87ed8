namespace AutomagikHello.AgUi;

/// <summary>
/// A text message opened by <see cref="AgUiRun.StartTextMessageAsync"/>. Append fragments, then end it; a message
/// left open when the agent returns is ended for it.
/// </summary>
public sealed class AgUiTextMessage
{
    private readonly AgUiRun _run;

    internal AgUiTextMessage(AgUiRun run, string messageId)
    {
        _run = run;
        MessageId = messageId;
    }

    /// <summary>The message id.</summary>
    public string MessageId { get; }

    /// <summary>Appends a fragment (<c>TEXT_MESSAGE_CONTENT</c>), e.g. one token.</summary>
    /// <param name="delta">The fragment.</param>
    /// <returns>A task that completes when the event is queued.</returns>
    public ValueTask AppendAsync(string delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        return _run.EmitAsync(new TextMessageContentEvent { MessageId = MessageId, Delta = delta });
    }

    /// <summary>Ends the message (<c>TEXT_MESSAGE_END</c>).</summary>
    /// <returns>A task that completes when the event is queued.</returns>
    public ValueTask EndAsync() => _run.EmitAsync(new TextMessageEndEvent { MessageId = MessageId });
}
