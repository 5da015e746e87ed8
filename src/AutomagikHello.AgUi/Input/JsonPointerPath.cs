using System.Text;
using System.Text.Json;

namespace AutomagikHello.AgUi.Input;

/// <summary>
/// The location the reader is at, as a stack of property names and array indexes. Rendered as a JSON Pointer
/// only when an error or warning needs it, so the success path builds no strings.
/// </summary>
internal sealed class JsonPointerPath
{
    // A property is kept as itself and its name only decoded when a path is rendered (an error or a warning), so a
    // body read without one builds no string per property name. Rendering must happen while its document is alive.
    private readonly List<(string? Name, JsonProperty Property, int Index)> _segments;

    // The reader's own path takes its list from the thread (one read at a time per thread, and the list is taken off the
    // thread while in use, so a path made meanwhile gets its own): a read then allocates no segments (~350 B before).
    [ThreadStatic]
    private static List<(string? Name, JsonProperty Property, int Index)>? ThreadSegments;

    public JsonPointerPath()
        : this(new(8))
    {
    }

    private JsonPointerPath(List<(string? Name, JsonProperty Property, int Index)> segments)
    {
        _segments = segments;
    }

    /// <summary>A path on the thread's list; <see cref="Return"/> gives the list back once the path is no longer used.</summary>
    public static JsonPointerPath Rent()
    {
        var segments = ThreadSegments ?? new(8);
        ThreadSegments = null;
        return new JsonPointerPath(segments);
    }

    /// <summary>Gives a rented path's list back to the thread; the path must not be used after.</summary>
    public void Return()
    {
        _segments.Clear();
        if (_segments.Capacity <= 64)
        {
            ThreadSegments = _segments; // a deep body's list is not kept alive on the thread
        }
    }

    public void Push(string name) => _segments.Add((name, default, -1));

    public void Push(JsonProperty property) => _segments.Add((null, property, -2));

    public void Push(int index) => _segments.Add((null, default, index));

    public void Pop() => _segments.RemoveAt(_segments.Count - 1);

    public string Render(string? child = null)
    {
        var builder = new StringBuilder();
        foreach (var (name, property, index) in _segments)
        {
            builder.Append('/');
            if (index >= 0)
            {
                builder.Append(index);
            }
            else
            {
                AppendEscaped(builder, name ?? property.Name);
            }
        }

        if (child is not null)
        {
            builder.Append('/');
            AppendEscaped(builder, child);
        }

        return builder.ToString();
    }

    private static void AppendEscaped(StringBuilder builder, string name) =>
        builder.Append(name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));
}
