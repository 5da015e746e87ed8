using System.Text.Json;

namespace AutomagikHello.AgUi.Input;

/// <summary>The message roles of AG-UI 1.0.</summary>
internal enum MessageKind
{
    Developer,
    System,
    Assistant,
    User,
    Tool,
    Activity,
    Reasoning,
}

/// <summary>The properties any message may carry, as flags, so each role's allowed set is one mask.</summary>
[Flags]
internal enum MessageField
{
    None = 0,
    Id = 1 << 0,
    Role = 1 << 1,
    Content = 1 << 2,
    Name = 1 << 3,
    EncryptedValue = 1 << 4,
    Metadata = 1 << 5,
    SubagentRunId = 1 << 6,
    ToolCalls = 1 << 7,
    ToolCallId = 1 << 8,
    Error = 1 << 9,
    ActivityType = 1 << 10,
}

/// <summary>
/// A message's properties collected before its role is known (the discriminator may come last), then checked
/// against the role's allowed set. A struct: one per message read, on the reader's stack.
/// </summary>
internal struct MessageFields
{
    public static readonly MessageField[] All = Enum.GetValues<MessageField>()[1..];

    private const MessageField Common = MessageField.Id | MessageField.Role | MessageField.Metadata | MessageField.SubagentRunId;
    private const MessageField Authored = Common | MessageField.Content | MessageField.Name | MessageField.EncryptedValue;

    public MessageField Present { get; private set; }

    public JsonElement? Id { get; private set; }

    public JsonElement? Role { get; private set; }

    public JsonElement? Content { get; private set; }

    public JsonElement? Name { get; private set; }

    public JsonElement? EncryptedValue { get; private set; }

    public JsonElement? Metadata { get; private set; }

    public JsonElement? SubagentRunId { get; private set; }

    public JsonElement? ToolCalls { get; private set; }

    public JsonElement? ToolCallId { get; private set; }

    public JsonElement? Error { get; private set; }

    public JsonElement? ActivityType { get; private set; }

    public static MessageField Identify(JsonProperty p)
    {
        if (p.NameEquals("id"u8)) return MessageField.Id;
        if (p.NameEquals("role"u8)) return MessageField.Role;
        if (p.NameEquals("content"u8)) return MessageField.Content;
        if (p.NameEquals("name"u8)) return MessageField.Name;
        if (p.NameEquals("encryptedValue"u8)) return MessageField.EncryptedValue;
        if (p.NameEquals("metadata"u8)) return MessageField.Metadata;
        if (p.NameEquals("subagentRunId"u8)) return MessageField.SubagentRunId;
        if (p.NameEquals("toolCalls"u8)) return MessageField.ToolCalls;
        if (p.NameEquals("toolCallId"u8)) return MessageField.ToolCallId;
        if (p.NameEquals("error"u8)) return MessageField.Error;
        if (p.NameEquals("activityType"u8)) return MessageField.ActivityType;
        return MessageField.None;
    }

    public static MessageKind? RoleOf(string role) => role switch
    {
        "developer" => MessageKind.Developer,
        "system" => MessageKind.System,
        "assistant" => MessageKind.Assistant,
        "user" => MessageKind.User,
        "tool" => MessageKind.Tool,
        "activity" => MessageKind.Activity,
        "reasoning" => MessageKind.Reasoning,
        _ => null,
    };

    public static MessageField AllowedFor(MessageKind kind) => kind switch
    {
        MessageKind.Developer or MessageKind.System or MessageKind.User => Authored,
        MessageKind.Assistant => Authored | MessageField.ToolCalls,
        MessageKind.Tool => Common | MessageField.Content | MessageField.ToolCallId | MessageField.Error | MessageField.EncryptedValue,
        MessageKind.Activity => Common | MessageField.Content | MessageField.ActivityType,
        _ => Common | MessageField.Content | MessageField.EncryptedValue,
    };

    public static string NameOf(MessageField field)
    {
        var name = field.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    public void Set(MessageField field, JsonElement? value)
    {
        switch (field)
        {
            case MessageField.Id: Id = value; break;
            case MessageField.Role: Role = value; break;
            case MessageField.Content: Content = value; break;
            case MessageField.Name: Name = value; break;
            case MessageField.EncryptedValue: EncryptedValue = value; break;
            case MessageField.Metadata: Metadata = value; break;
            case MessageField.SubagentRunId: SubagentRunId = value; break;
            case MessageField.ToolCalls: ToolCalls = value; break;
            case MessageField.ToolCallId: ToolCallId = value; break;
            case MessageField.Error: Error = value; break;
            case MessageField.ActivityType: ActivityType = value; break;
        }

        Present = value is null ? Present & ~field : Present | field;
    }

    public void Clear(MessageField field) => Set(field, null);
}
