using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace AutomagikHello.AgUi.Serialization;

/// <summary>Reads and writes <see cref="MessageContent"/> as a JSON string or an array of parts.</summary>
internal sealed class MessageContentConverter : JsonConverter<MessageContent>
{
    public override MessageContent Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        return reader.TokenType switch
        {
            JsonTokenType.String => MessageContent.FromText(reader.GetString()!),
            JsonTokenType.StartArray => MessageContent.FromParts(JsonSerializer.Deserialize(ref reader, PartsTypeInfo(options)) ?? []),
            _ => throw new JsonException("Content must be a string or an array of content parts."),
        };
    }

    public override void Write(Utf8JsonWriter writer, MessageContent value, JsonSerializerOptions options)
    {
        if (value.IsText)
        {
            writer.WriteStringValue(value.Text);
        }
        else
        {
            JsonSerializer.Serialize(writer, value.Parts, PartsTypeInfo(options));
        }
    }

    private static JsonTypeInfo<IReadOnlyList<ContentPart>> PartsTypeInfo(JsonSerializerOptions options) =>
        (JsonTypeInfo<IReadOnlyList<ContentPart>>)options.GetTypeInfo(typeof(IReadOnlyList<ContentPart>));
}
