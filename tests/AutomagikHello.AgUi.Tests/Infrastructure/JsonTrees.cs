using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AutomagikHello.AgUi.Tests.Infrastructure;

/// <summary>Helpers to compare and inspect JSON values as trees (never as strings).</summary>
public static class JsonTrees
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Indented text for failure messages.</summary>
    public static string Show(JsonNode? node) => node is null ? "null" : node.ToJsonString(Indented);

    /// <summary>Parses UTF-8 JSON into a tree.</summary>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8Json) => JsonNode.Parse(utf8Json);

    /// <summary>Asserts that two JSON values are equivalent (member order and number spelling are irrelevant).</summary>
    public static void ShouldBeEquivalent(JsonNode? actual, JsonNode? expected, string what)
    {
        JsonNode.DeepEquals(actual, expected).Should().BeTrue(
            "{0} must be an equivalent JSON value.{1}Expected:{1}{2}{1}Actual:{1}{3}",
            what, Environment.NewLine, Show(expected), Show(actual));
    }

    /// <summary>JSON Pointers (RFC 6901) of every <c>null</c> value in the tree, the root included.</summary>
    public static IReadOnlyList<string> NullLocations(JsonNode? node)
    {
        var found = new List<string>();
        Walk(node, string.Empty, found);
        return found;

        static void Walk(JsonNode? current, string pointer, List<string> found)
        {
            switch (current)
            {
                case null:
                    found.Add(pointer);
                    break;
                case JsonObject obj:
                    foreach (var (key, value) in obj)
                    {
                        Walk(value, pointer + "/" + EscapePointerToken(key), found);
                    }

                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        Walk(array[i], pointer + "/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), found);
                    }

                    break;
                case JsonValue value when value.GetValueKind() == JsonValueKind.Null:
                    found.Add(pointer);
                    break;
            }
        }
    }

    /// <summary>Escapes one JSON Pointer reference token (<c>~</c> → <c>~0</c>, <c>/</c> → <c>~1</c>).</summary>
    public static string EscapePointerToken(string token) => token.Replace("~", "~0").Replace("/", "~1");

    /// <summary>The reference tokens of a JSON Pointer (empty for the whole document).</summary>
    public static IReadOnlyList<string> PointerTokens(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }

        if (pointer[0] != '/')
        {
            throw new ArgumentException($"Not a JSON Pointer: '{pointer}'.", nameof(pointer));
        }

        return pointer[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToList();
    }

    /// <summary>Whether <paramref name="pointer"/> is <paramref name="prefix"/> or lies below it, token by token.</summary>
    public static bool PointerStartsWith(string pointer, string prefix)
    {
        var tokens = PointerTokens(pointer);
        var prefixTokens = PointerTokens(prefix);
        return tokens.Count >= prefixTokens.Count && tokens.Take(prefixTokens.Count).SequenceEqual(prefixTokens, StringComparer.Ordinal);
    }

    /// <summary>Removes the member or item at <paramref name="pointer"/>; returns whether something was removed.</summary>
    public static bool Remove(JsonNode root, string pointer)
    {
        var tokens = PointerTokens(pointer);
        if (tokens.Count == 0)
        {
            return false;
        }

        JsonNode? parent = root;
        foreach (var token in tokens.Take(tokens.Count - 1))
        {
            parent = parent switch
            {
                JsonObject obj => obj[token],
                JsonArray array when int.TryParse(token, out var index) && index < array.Count => array[index],
                _ => null,
            };
        }

        var last = tokens[^1];
        return parent switch
        {
            JsonObject obj => obj.Remove(last),
            JsonArray array when int.TryParse(last, out var index) && index < array.Count => RemoveAt(array, index),
            _ => false,
        };

        static bool RemoveAt(JsonArray array, int index)
        {
            array.RemoveAt(index);
            return true;
        }
    }
}
