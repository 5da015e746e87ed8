using System.Text.Json;

namespace AutomagikHello.AgUi.Serialization;

/// <summary>The JSON settings of the protocol types, backed by source-generated metadata (no reflection).</summary>
public static class AgUiJson
{
    /// <summary>
    /// Read-only serializer options for every AG-UI type: camelCase, unset optional fields omitted,
    /// polymorphism on <c>type</c> and <c>role</c>.
    /// </summary>
    public static JsonSerializerOptions Options => AgUiJsonContext.Default.Options;
}
