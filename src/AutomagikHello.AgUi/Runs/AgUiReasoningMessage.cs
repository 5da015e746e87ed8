namespace AutomagikHello.AgUi;

/// <summary>A reasoning message opened by <see cref="AgUiReasoning.StartMessageAsync"/>. Append fragments, then end it.</summary>
public sealed class AgUiReasoningMessage
{
    private readonly AgUiRun _run;

    internal AgUiReasoningMessage(AgUiRun run, string messageId)
    {
        _run = run;
        MessageId = messageId;
    }

    /// <summary>The reasoning message's id.</summary>
    public string MessageId { get; }

    /// <summary>Appends a fragment (<c>REASONING_MESSAGE_CONTENT</c>).</summary>
    /// <param name="delta">The fragment.</param>
    /// <returns>A task that completes when the event is queued.</returns>
    public ValueTask AppendAsync(string delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        return _run.EmitAsync(new ReasoningMessageContentEvent { MessageId = MessageId, Delta = delta });
    }

    /// <summary>Ends the reasoning message (<c>REASONING_MESSAGE_END</c>).</summary>
    /// <returns>A task that completes when the event is queued.</returns>
    public ValueTask EndAsync() => _run.EmitAsync(new ReasoningMessageEndEvent { MessageId = MessageId });
}
