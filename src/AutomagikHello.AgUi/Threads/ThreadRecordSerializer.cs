using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutomagikHello.AgUi.Threads;

/// <summary>
/// Writes a <see cref="ThreadRecord"/> as UTF-8 JSON and reads it back, for stores that keep records as documents
/// (SQLite, Redis). Source-generated; interrupts, decisions and payloads round-trip exactly.
/// </summary>
public static class ThreadRecordSerializer
{
    /// <summary>The record as UTF-8 JSON.</summary>
    public static byte[] Serialize(ThreadRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return JsonSerializer.SerializeToUtf8Bytes(record, ThreadRecordJsonContext.Default.ThreadRecord);
    }

    /// <summary>Reads a record written by <see cref="Serialize"/>.</summary>
    /// <exception cref="JsonException">The bytes are not a thread record.</exception>
    public static ThreadRecord Deserialize(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, ThreadRecordJsonContext.Default.ThreadRecord)
        ?? throw new JsonException("A thread record cannot be null.");
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ThreadRecord))]
internal sealed partial class ThreadRecordJsonContext : JsonSerializerContext;
