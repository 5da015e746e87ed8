using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AutomagikHello.AgUi.Sequencing;

/// <summary>
/// Applies RFC 6902 JSON Patch documents (<c>add</c>, <c>remove</c>, <c>replace</c>, <c>move</c>, <c>copy</c>,
/// <c>test</c>) to a <see cref="JsonNode"/> tree, atomically: every mutation is logged and undone when a later
/// operation fails, so a rejected patch leaves the document exactly as it was. One instance is reused; not thread-safe.
/// </summary>
internal sealed class JsonPatchApplier
{
    private readonly List<Undo> _undoLog = [];

    private enum UndoKind
    {
        RemoveProperty,
        RestoreProperty,
        RemoveAt,
        InsertAt,
        SetAt,
        SetRoot,
    }

    /// <summary>
    /// Applies <paramref name="patch"/> to <paramref name="document"/>. Returns <see langword="null"/> on success,
    /// otherwise why the patch does not apply (and <paramref name="document"/> is unchanged).
    /// </summary>
    /// <param name="document">The document; JSON <c>null</c> is <see langword="null"/>. Replaced when the patch sets the root.</param>
    /// <param name="patch">The patch: a JSON array of operation objects.</param>
    /// <param name="requireObject">Whether the result must be a JSON object (activity content).</param>
    public string? TryApply(ref JsonNode? document, JsonElement patch, bool requireObject = false)
    {
        if (patch.ValueKind != JsonValueKind.Array)
        {
            return "the patch is not a JSON array of operations";
        }

        var root = document;
        string? error = null;
        var index = 0;
        foreach (var operation in patch.EnumerateArray())
        {
            error = ApplyOperation(ref root, operation, index++);
            if (error is not null)
            {
                break;
            }
        }

        if (error is null && requireObject && root is not JsonObject)
        {
            error = "the result is not a JSON object";
        }

        if (error is not null)
        {
            Rollback(ref root);
        }

        _undoLog.Clear();
        document = root;
        return error;
    }

    private static string Describe(int index, string op) =>
        string.Create(CultureInfo.InvariantCulture, $"operation {index} ({op})");

    private static bool TryGetPointer(JsonElement operation, string member, out string text, out string[] tokens)
    {
        text = string.Empty;
        tokens = [];
        if (!operation.TryGetProperty(member, out var value) || value.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        text = value.GetString()!;
        return JsonPointer.TryParse(text, out tokens);
    }

    /// <summary>Finds the container of the last token of <paramref name="tokens"/> (which must not be empty).</summary>
    private static JsonNode? FindParent(JsonNode? root, string[] tokens, out bool found)
    {
        var current = root;
        for (var i = 0; i < tokens.Length - 1; i++)
        {
            switch (current)
            {
                case JsonObject obj when obj.TryGetPropertyValue(tokens[i], out var child):
                    current = child;
                    break;
                case JsonArray array when JsonPointer.TryParseIndex(tokens[i], out var at) && at < array.Count:
                    current = array[at];
                    break;
                default:
                    found = false;
                    return null;
            }
        }

        found = current is JsonObject or JsonArray;
        return current;
    }

    /// <summary>Reads the value at <paramref name="tokens"/>; false when the location does not exist.</summary>
    private static bool TryGet(JsonNode? root, string[] tokens, out JsonNode? value)
    {
        value = null;
        if (tokens.Length == 0)
        {
            value = root;
            return true;
        }

        var parent = FindParent(root, tokens, out var found);
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject obj when found:
                return obj.TryGetPropertyValue(last, out value);
            case JsonArray array when found && JsonPointer.TryParseIndex(last, out var at) && at < array.Count:
                value = array[at];
                return true;
            default:
                return false;
        }
    }

    private string? ApplyOperation(ref JsonNode? root, JsonElement operation, int index)
    {
        if (operation.ValueKind != JsonValueKind.Object
            || !operation.TryGetProperty("op", out var opElement)
            || opElement.ValueKind != JsonValueKind.String)
        {
            return string.Create(CultureInfo.InvariantCulture, $"operation {index} is not an object with an 'op' string");
        }

        var op = opElement.GetString()!;
        if (op is not ("add" or "remove" or "replace" or "move" or "copy" or "test"))
        {
            return Describe(index, op) + " is not an RFC 6902 operation";
        }

        if (!TryGetPointer(operation, "path", out var path, out var tokens))
        {
            return Describe(index, op) + " has no valid JSON Pointer 'path'";
        }

        JsonElement valueElement = default;
        if (op is "add" or "replace" or "test" && !operation.TryGetProperty("value", out valueElement))
        {
            return Describe(index, op) + " has no 'value'";
        }

        string[] fromTokens = [];
        var from = string.Empty;
        if (op is "move" or "copy" && !TryGetPointer(operation, "from", out from, out fromTokens))
        {
            return Describe(index, op) + " has no valid JSON Pointer 'from'";
        }

        var error = op switch
        {
            "add" => Add(ref root, tokens, JsonNodes.From(valueElement)),
            "remove" => Remove(ref root, tokens, out _),
            "replace" => Replace(ref root, tokens, JsonNodes.From(valueElement)),
            "move" => Move(ref root, fromTokens, tokens, from),
            "copy" => Copy(ref root, fromTokens, tokens, from),
            _ => Test(root, tokens, valueElement),
        };
        return error is null ? null : Describe(index, op) + " at '" + path + "': " + error;
    }

    private string? Add(ref JsonNode? root, string[] tokens, JsonNode? value)
    {
        if (tokens.Length == 0)
        {
            SetRoot(ref root, value);
            return null;
        }

        var parent = FindParent(root, tokens, out var found);
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject obj when found:
                SetProperty(obj, last, value);
                return null;
            case JsonArray array when found:
                int at;
                if (last == "-")
                {
                    at = array.Count;
                }
                else if (!JsonPointer.TryParseIndex(last, out at) || at > array.Count)
                {
                    return "'" + last + "' is not an index where the array can grow";
                }

                array.Insert(at, value);
                _undoLog.Add(new Undo(UndoKind.RemoveAt, array, null, at, null));
                return null;
            default:
                return "the parent location does not exist or is not an object or array";
        }
    }

    private string? Remove(ref JsonNode? root, string[] tokens, out JsonNode? removed)
    {
        removed = null;
        if (tokens.Length == 0)
        {
            return "the whole document cannot be removed";
        }

        var parent = FindParent(root, tokens, out var found);
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject obj when found && obj.TryGetPropertyValue(last, out removed):
                obj.Remove(last);
                _undoLog.Add(new Undo(UndoKind.RestoreProperty, obj, last, 0, removed));
                return null;
            case JsonArray array when found && JsonPointer.TryParseIndex(last, out var at) && at < array.Count:
                removed = array[at];
                array.RemoveAt(at);
                _undoLog.Add(new Undo(UndoKind.InsertAt, array, null, at, removed));
                return null;
            default:
                return "the location does not exist";
        }
    }

    private string? Replace(ref JsonNode? root, string[] tokens, JsonNode? value)
    {
        if (tokens.Length == 0)
        {
            SetRoot(ref root, value);
            return null;
        }

        var parent = FindParent(root, tokens, out var found);
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject obj when found && obj.ContainsKey(last):
                SetProperty(obj, last, value);
                return null;
            case JsonArray array when found && JsonPointer.TryParseIndex(last, out var at) && at < array.Count:
                var old = array[at];
                array[at] = value;
                _undoLog.Add(new Undo(UndoKind.SetAt, array, null, at, old));
                return null;
            default:
                return "the location does not exist";
        }
    }

    private string? Move(ref JsonNode? root, string[] fromTokens, string[] tokens, string from)
    {
        if (JsonPointer.IsProperPrefix(fromTokens, tokens))
        {
            return "'from' ('" + from + "') is a proper prefix of the path; a value cannot move into itself";
        }

        if (fromTokens.AsSpan().SequenceEqual(tokens))
        {
            return TryGet(root, fromTokens, out _) ? null : "'from' ('" + from + "') does not exist";
        }

        var error = Remove(ref root, fromTokens, out var value);
        return error is not null ? "'from' ('" + from + "'): " + error : Add(ref root, tokens, value);
    }

    private string? Copy(ref JsonNode? root, string[] fromTokens, string[] tokens, string from) =>
        TryGet(root, fromTokens, out var value)
            ? Add(ref root, tokens, value?.DeepClone())
            : "'from' ('" + from + "') does not exist";

    private static string? Test(JsonNode? root, string[] tokens, JsonElement expected)
    {
        if (!TryGet(root, tokens, out var actual))
        {
            return "the location does not exist";
        }

        return JsonNode.DeepEquals(actual, JsonNodes.From(expected)) ? null : "the value there is not equal to 'value'";
    }

    private void SetProperty(JsonObject obj, string name, JsonNode? value)
    {
        if (obj.TryGetPropertyValue(name, out var old))
        {
            obj.Remove(name);
            _undoLog.Add(new Undo(UndoKind.RestoreProperty, obj, name, 0, old));
        }
        else
        {
            _undoLog.Add(new Undo(UndoKind.RemoveProperty, obj, name, 0, null));
        }

        obj.Add(name, value);
    }

    private void SetRoot(ref JsonNode? root, JsonNode? value)
    {
        _undoLog.Add(new Undo(UndoKind.SetRoot, null, null, 0, root));
        root = value;
    }

    private void Rollback(ref JsonNode? root)
    {
        for (var i = _undoLog.Count - 1; i >= 0; i--)
        {
            var undo = _undoLog[i];
            switch (undo.Kind)
            {
                case UndoKind.RemoveProperty:
                    ((JsonObject)undo.Container!).Remove(undo.Name!);
                    break;
                case UndoKind.RestoreProperty:
                    var obj = (JsonObject)undo.Container!;
                    obj.Remove(undo.Name!);
                    obj.Add(undo.Name!, undo.Node);
                    break;
                case UndoKind.RemoveAt:
                    ((JsonArray)undo.Container!).RemoveAt(undo.Index);
                    break;
                case UndoKind.InsertAt:
                    ((JsonArray)undo.Container!).Insert(undo.Index, undo.Node);
                    break;
                case UndoKind.SetAt:
                    ((JsonArray)undo.Container!)[undo.Index] = undo.Node;
                    break;
                default:
                    root = undo.Node;
                    break;
            }
        }
    }

    /// <summary>How to reverse one mutation: on <see cref="Container"/> at <see cref="Name"/>/<see cref="Index"/>, restore <see cref="Node"/>.</summary>
    private readonly record struct Undo(UndoKind Kind, JsonNode? Container, string? Name, int Index, JsonNode? Node);
}
