using System.Text.Json;
using Microsoft.Extensions.AI;

namespace AutomagikHello.AgUi.Extensions.AI;

/// <summary>Tool-call arguments between their AG-UI form (raw JSON text) and Microsoft.Extensions.AI's (a dictionary).</summary>
internal static class ToolArguments
{
    /// <summary>
    /// The arguments of a JSON object as a dictionary of <see cref="JsonElement"/> values (which
    /// <see cref="AIFunction"/> binds); empty for empty text.
    /// </summary>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    /// <exception cref="FormatException">The JSON is not an object.</exception>
    public static Dictionary<string, object?> Parse(string arguments)
    {
        var parsed = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(arguments))
        {
            return parsed;
        }

        using var document = JsonDocument.Parse(arguments);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("Tool-call arguments must be a JSON object.");
        }

        foreach (var property in document.RootElement.EnumerateObject())
        {
            parsed[property.Name] = property.Value.Clone();
        }

        return parsed;
    }

    /// <summary>The arguments as JSON text, as AG-UI streams them.</summary>
    public static string Serialize(IDictionary<string, object?>? arguments) =>
        arguments is null || arguments.Count == 0
            ? "{}"
            : JsonSerializer.Serialize(arguments, Compact.GetTypeInfo(typeof(IDictionary<string, object?>)));

    /// <summary>Microsoft.Extensions.AI's serializer options (its resolver knows its types) without indentation: one line on the wire.</summary>
    internal static readonly JsonSerializerOptions Compact = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };
}
