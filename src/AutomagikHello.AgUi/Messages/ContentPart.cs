using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutomagikHello.AgUi;

/// <summary>One part of multimodal content, discriminated by <c>type</c>.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TextPart), "text")]
[JsonDerivedType(typeof(ImagePart), "image")]
[JsonDerivedType(typeof(AudioPart), "audio")]
[JsonDerivedType(typeof(VideoPart), "video")]
[JsonDerivedType(typeof(DocumentPart), "document")]
public abstract class ContentPart
{
    private protected ContentPart()
    {
    }

    /// <summary>An optional id of the part.</summary>
    [JsonPropertyOrder(-1)]
    public string? Id { get; init; }

    /// <summary>Extra information (any JSON except <c>null</c>).</summary>
    [JsonPropertyOrder(100)]
    public JsonElement? Metadata { get; init; }
}

/// <summary>A <c>text</c> part.</summary>
public sealed class TextPart : ContentPart
{
    /// <summary>The text.</summary>
    public required string Text { get; init; }
}

/// <summary>A media part whose bytes come from a <see cref="PartSource"/>.</summary>
public abstract class MediaPart : ContentPart
{
    private protected MediaPart()
    {
    }

    /// <summary>Where the media comes from.</summary>
    public required PartSource Source { get; init; }
}

/// <summary>An <c>image</c> part.</summary>
public sealed class ImagePart : MediaPart
{
}

/// <summary>An <c>audio</c> part.</summary>
public sealed class AudioPart : MediaPart
{
}

/// <summary>A <c>video</c> part.</summary>
public sealed class VideoPart : MediaPart
{
}

/// <summary>A <c>document</c> part.</summary>
public sealed class DocumentPart : MediaPart
{
}

/// <summary>Where a media part's bytes come from, discriminated by <c>type</c>.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(DataSource), "data")]
[JsonDerivedType(typeof(UrlSource), "url")]
[JsonDerivedType(typeof(FileSource), "file")]
public abstract class PartSource
{
    private protected PartSource()
    {
    }

    /// <summary>The data, address or handle.</summary>
    [JsonPropertyOrder(-1)]
    public required string Value { get; init; }
}

/// <summary><c>data</c>: inline base64 bytes.</summary>
public sealed class DataSource : PartSource
{
    /// <summary>The media type of the bytes.</summary>
    public required string MimeType { get; init; }
}

/// <summary><c>url</c>: bytes at an address.</summary>
public sealed class UrlSource : PartSource
{
    /// <summary>The media type, if known.</summary>
    public string? MimeType { get; init; }
}

/// <summary><c>file</c>: an opaque provider file handle.</summary>
public sealed class FileSource : PartSource
{
    /// <summary>The provider the handle belongs to.</summary>
    public string? Provider { get; init; }

    /// <summary>The media type, if known.</summary>
    public string? MimeType { get; init; }
}
