using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace AutomagikHello.AgUi.Extensions.AI;

/// <summary>
/// Turns an AG-UI conversation into the messages a provider accepts: every role and content kind, assistant tool
/// calls kept with their text, tool results paired to their calls by id.
/// </summary>
internal static class ChatHistoryBuilder
{
    /// <summary>The heading of the context message (documented in docs/extensions-ai.md).</summary>
    internal const string ContextHeading = "Context from the application:";

    /// <summary>The heading of the state part of the context message.</summary>
    internal const string StateHeading = "The application's current state (JSON):";

    /// <summary>The instructions, the context message, then the history in order.</summary>
    public static List<ChatMessage> Build(RunAgentInput input, IModelInputOptions options)
    {
        var messages = new List<ChatMessage>(input.Messages.Count + 2);
        if (!string.IsNullOrEmpty(options.Instructions))
        {
            messages.Add(new ChatMessage(ChatRole.System, options.Instructions));
        }

        if (ContextMessage(input, options) is { } context)
        {
            messages.Add(new ChatMessage(ChatRole.System, context));
        }

        foreach (var message in input.Messages)
        {
            if (Convert(message) is { } converted)
            {
                messages.Add(converted);
            }
        }

        return messages;
    }

    /// <summary>
    /// The input's context entries and state as one system message, or <see langword="null"/> when there is neither
    /// (or the options keep them from the model).
    /// </summary>
    internal static string? ContextMessage(RunAgentInput input, IModelInputOptions options)
    {
        var hasContext = options.SendContext && input.Context is { Count: > 0 };
        var hasState = options.SendState && input.State is { } state && !IsEmptyObject(state);
        if (!hasContext && !hasState)
        {
            return null;
        }

        var text = new StringBuilder();
        if (hasContext)
        {
            text.Append(ContextHeading).Append('\n');
            foreach (var entry in input.Context!)
            {
                text.Append("- ").Append(entry.Description).Append(": ").Append(entry.Value).Append('\n');
            }
        }

        if (hasState)
        {
            text.Append(StateHeading).Append('\n').Append(input.State!.Value.GetRawText()).Append('\n');
        }

        return text.ToString(0, text.Length - 1);
    }

    private static bool IsEmptyObject(JsonElement state)
    {
        if (state.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        using var members = state.EnumerateObject();
        return !members.MoveNext();
    }

    private static ChatMessage? Convert(Message message) => message switch
    {
        SystemMessage system => Authored(ChatRole.System, system, [new TextContent(system.Content)]),
        // Microsoft.Extensions.AI has no developer role; providers read developer instructions as system ones.
        DeveloperMessage developer => Authored(ChatRole.System, developer, [new TextContent(developer.Content)]),
        UserMessage user => Authored(ChatRole.User, user, Contents(user.Content)),
        AssistantMessage assistant => Authored(ChatRole.Assistant, assistant, AssistantContents(assistant)),
        ToolMessage tool => new ChatMessage(ChatRole.Tool, [new FunctionResultContent(tool.ToolCallId, ToolResult(tool))]) { MessageId = tool.Id },
        ReasoningMessage reasoning => new ChatMessage(ChatRole.Assistant, [new TextReasoningContent(reasoning.Content) { ProtectedData = reasoning.EncryptedValue }])
        {
            MessageId = reasoning.Id,
        },
        // Activity messages are UI state, not conversation: AG-UI consumers strip them from a model's input.
        _ => null,
    };

    private static ChatMessage? Authored(ChatRole role, AuthoredMessage message, List<AIContent> contents) =>
        contents.Count == 0 ? null : new ChatMessage(role, contents) { AuthorName = message.Name, MessageId = message.Id };

    private static List<AIContent> AssistantContents(AssistantMessage assistant)
    {
        var contents = new List<AIContent>(1 + (assistant.ToolCalls?.Count ?? 0));
        if (!string.IsNullOrEmpty(assistant.Content))
        {
            contents.Add(new TextContent(assistant.Content));
        }

        foreach (var call in assistant.ToolCalls ?? [])
        {
            Dictionary<string, object?> arguments;
            try
            {
                arguments = ToolArguments.Parse(call.Function.Arguments);
            }
            catch (Exception ex) when (ex is JsonException or FormatException)
            {
                throw new RunErrorException(
                    ChatClientErrorCodes.InvalidHistory,
                    $"The arguments of tool call '{call.Id}' in message '{assistant.Id}' are not a JSON object.",
                    ex);
            }

            contents.Add(new FunctionCallContent(call.Id, call.Function.Name, arguments));
        }

        return contents;
    }

    private static string ToolResult(ToolMessage tool)
    {
        var content = Text(tool.Content);
        return tool.Error is { Length: > 0 } error ? (content.Length == 0 ? $"Error: {error}" : $"Error: {error}\n{content}") : content;
    }

    /// <summary>Text content as one string: a string, or its text parts joined (a tool result is text to the model).</summary>
    private static string Text(MessageContent content)
    {
        if (content.IsText)
        {
            return content.Text;
        }

        var text = new StringBuilder();
        foreach (var part in content.Parts)
        {
            if (part is TextPart textPart)
            {
                text.Append(textPart.Text);
            }
        }

        return text.ToString();
    }

    private static List<AIContent> Contents(MessageContent content)
    {
        if (content.IsText)
        {
            return [new TextContent(content.Text)];
        }

        var contents = new List<AIContent>(content.Parts.Count);
        foreach (var part in content.Parts)
        {
            contents.Add(part switch
            {
                TextPart text => new TextContent(text.Text),
                MediaPart media => Media(media),
                _ => throw new NotSupportedException($"A content part of type {part.GetType().Name} has no model equivalent."),
            });
        }

        return contents;
    }

    /// <summary>Inline bytes become <see cref="DataContent"/>, addresses <see cref="UriContent"/>, provider handles <see cref="HostedFileContent"/>.</summary>
    private static AIContent Media(MediaPart media) => media.Source switch
    {
        DataSource data => new DataContent(System.Convert.FromBase64String(data.Value), data.MimeType),
        UrlSource url => url.Value.StartsWith("data:", StringComparison.OrdinalIgnoreCase)
            ? new DataContent(url.Value, url.MimeType)
            : new UriContent(new Uri(url.Value, UriKind.Absolute), url.MimeType ?? DefaultMediaType(media)),
        FileSource file => new HostedFileContent(file.Value) { MediaType = file.MimeType },
        _ => throw new NotSupportedException($"A part source of type {media.Source.GetType().Name} has no model equivalent."),
    };

    /// <summary>A media type naming only the kind, for an address whose type the client did not say.</summary>
    private static string DefaultMediaType(MediaPart media) => media switch
    {
        ImagePart => "image/*",
        AudioPart => "audio/*",
        VideoPart => "video/*",
        _ => "application/octet-stream",
    };
}
