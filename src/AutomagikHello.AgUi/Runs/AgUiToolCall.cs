namespace AutomagikHello.AgUi;

/// <summary>
/// A tool call opened by <see cref="AgUiRun.StartToolCallAsync"/>. Stream its arguments, then end it; a call left
/// open when the agent returns is ended for it.
/// </summary>
public sealed class AgUiToolCall
{
    private readonly AgUiRun _run;

    internal AgUiToolCall(AgUiRun run, string toolCallId, string toolCallName)
    {
        _run = run;
        ToolCallId = toolCallId;
        ToolCallName = toolCallName;
    }

    /// <summary>The call id.</summary>
    public string ToolCallId { get; }

    /// <summary>The tool's name.</summary>
    public string ToolCallName { get; }

    /// <summary>Appends argument text (<c>TOOL_CALL_ARGS</c>).</summary>
    /// <param name="delta">The fragment; the concatenation is conventionally a JSON document.</param>
    /// <returns>A task that completes when the event is queued.</returns>
    public ValueTask AppendArgumentsAsync(string delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        return _run.EmitAsync(new ToolCallArgsEvent { ToolCallId = ToolCallId, Delta = delta });
    }

    /// <summary>Marks the arguments complete (<c>TOOL_CALL_END</c>).</summary>
    /// <returns>A task that completes when the event is queued.</returns>
    public ValueTask EndAsync() => _run.EmitAsync(new ToolCallEndEvent { ToolCallId = ToolCallId });
}
