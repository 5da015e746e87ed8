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
    private readonly List<(string? Name, JsonProperty Property, int Index)> _segments = new(8);

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
