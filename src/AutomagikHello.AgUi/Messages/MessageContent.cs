using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using AutomagikHello.AgUi.Serialization;

namespace AutomagikHello.AgUi;

/// <summary>Content that is either a string or a list of <see cref="ContentPart"/>s.</summary>
[JsonConverter(typeof(MessageContentConverter))]
public sealed class MessageContent
{
    private MessageContent(string? text, IReadOnlyList<ContentPart>? parts)
    {
        Text = text;
        Parts = parts;
    }

    /// <summary>The text, when the content is a string.</summary>
    public string? Text { get; }

    /// <summary>The parts, when the content is a list of parts.</summary>
    public IReadOnlyList<ContentPart>? Parts { get; }

    /// <summary>Whether the content is a string.</summary>
    [MemberNotNullWhen(true, nameof(Text))]
    [MemberNotNullWhen(false, nameof(Parts))]
    public bool IsText => Text is not null;

    /// <summary>Content made of a string.</summary>
    public static MessageContent FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new MessageContent(text, null);
    }

    /// <summary>Content made of parts.</summary>
    public static MessageContent FromParts(IReadOnlyList<ContentPart> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return new MessageContent(null, parts);
    }

    /// <summary>Content made of a string.</summary>
    public static implicit operator MessageContent(string text) => FromText(text);

    /// <inheritdoc />
    public override string ToString() => Text ?? $"[{Parts!.Count} part(s)]";
}
