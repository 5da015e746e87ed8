using System.Text;

namespace AutomagikHello.AgUi.Input;

/// <summary>
/// The location the reader is at, as a stack of property names and array indexes. Rendered as a JSON Pointer
/// only when an error or warning needs it, so the success path builds no strings.
/// </summary>
internal sealed class JsonPointerPath
{
    private readonly List<(string? Name, int Index)> _segments = new(8);

    public void Push(string name) => _segments.Add((name, -1));

    public void Push(int index) => _segments.Add((null, index));

    public void Pop() => _segments.RemoveAt(_segments.Count - 1);

    public string Render(string? child = null)
    {
        var builder = new StringBuilder();
        foreach (var (name, index) in _segments)
        {
            builder.Append('/');
            if (name is null)
            {
                builder.Append(index);
            }
            else
            {
                AppendEscaped(builder, name);
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
