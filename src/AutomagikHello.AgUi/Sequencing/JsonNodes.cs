using System.Text.Json;
using System.Text.Json.Nodes;

namespace AutomagikHello.AgUi.Sequencing;

/// <summary>Converts JSON elements into mutable, self-contained <see cref="JsonNode"/> trees (no reflection, AOT-safe).</summary>
internal static class JsonNodes
{
    /// <summary>
    /// A deep copy of <paramref name="element"/> that does not reference the element's document, so it stays valid
    /// after that document is disposed. JSON <c>null</c> becomes <see langword="null"/>.
    /// </summary>
    public static JsonNode? From(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var property in element.EnumerateObject())
                {
                    obj[property.Name] = From(property.Value); // last duplicate wins
                }

                return obj;
            case JsonValueKind.Array:
                var array = new JsonArray();
                foreach (var item in element.EnumerateArray())
                {
                    array.Add(From(item));
                }

                return array;
            case JsonValueKind.String:
                return JsonValue.Create(element.GetString()!);
            case JsonValueKind.True:
                return JsonValue.Create(true);
            case JsonValueKind.False:
                return JsonValue.Create(false);
            case JsonValueKind.Number:
                // Keeps the exact number text; compared numerically by JsonNode.DeepEquals.
                return JsonValue.Create(element.Clone());
            default:
                return null;
        }
    }
}
