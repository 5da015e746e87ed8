namespace AutomagikHello.AgUi.Sequencing;

/// <summary>The kinds of item that follow the start/content/end discipline.</summary>
internal enum StreamItemKind
{
    TextMessage,
    ToolCall,
    ReasoningMessage,
    ReasoningSpan,
}

/// <summary>
/// What an opener says about an item. A reopening opener must repeat it exactly. <see cref="Name"/> is a text
/// message's author name or a tool call's <c>toolCallName</c>; <see cref="ParentMessageId"/> is a tool call's.
/// </summary>
internal readonly record struct ItemAttributes(TextMessageRole Role, string? Name, string? ParentMessageId);

/// <summary>One text message, tool call, reasoning message or reasoning span seen in the current run.</summary>
internal sealed class StreamItem
{
    public StreamItem(string id, string? owner, bool isChunkForm, ItemAttributes attributes)
    {
        Id = id;
        Owner = owner;
        IsChunkForm = isChunkForm;
        Attributes = attributes;
    }

    public string Id { get; }

    /// <summary>The subagentRunId of the opener; <see langword="null"/> for the parent agent.</summary>
    public string? Owner { get; }

    /// <summary>Whether the item was opened by a chunk (and so may only continue as chunks).</summary>
    public bool IsChunkForm { get; }

    public ItemAttributes Attributes { get; }

    public bool IsOpen { get; set; }

    /// <summary>When the item was last opened, for closing in reverse order.</summary>
    public long OpenSequence { get; set; }

    /// <summary>For tool calls: whether a <c>TOOL_CALL_RESULT</c> answered it in this run.</summary>
    public bool HasResult { get; set; }
}
