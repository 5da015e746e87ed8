using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace AutomagikHello.AgUi.Serialization;

/// <summary>
/// <c>RUN_FINISHED</c>'s <c>outcome</c>. The two outcomes every plain run ends with (<c>{"type":"success"}</c> with no
/// pending tool calls, <c>{"type":"cancelled"}</c>) are written directly: serialized as a nested polymorphic object the
/// serializer allocated its frame stack (~300 B) for every run. Every other outcome, and every read, is the
/// polymorphic contract's own, so the wire form is unchanged.
/// </summary>
internal sealed class RunFinishedOutcomeConverter : JsonConverter<RunFinishedOutcome>
{
    public override RunFinishedOutcome? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize(ref reader, TypeInfo(options));

    public override void Write(Utf8JsonWriter writer, RunFinishedOutcome value, JsonSerializerOptions options)
    {
        var type = value switch
        {
            SuccessOutcome { PendingToolCallIds: null } => "success"u8,
            CancelledOutcome => "cancelled"u8,
            _ => default,
        };
        if (type.IsEmpty)
        {
            JsonSerializer.Serialize(writer, value, TypeInfo(options));
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("type"u8, type);
        writer.WriteEndObject();
    }

    private static JsonTypeInfo<RunFinishedOutcome> TypeInfo(JsonSerializerOptions options) =>
        (JsonTypeInfo<RunFinishedOutcome>)options.GetTypeInfo(typeof(RunFinishedOutcome));
}
