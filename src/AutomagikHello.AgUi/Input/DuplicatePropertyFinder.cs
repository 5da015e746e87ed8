using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace AutomagikHello.AgUi.Input;

/// <summary>
/// Finds the first property whose name repeats one already in the same object, compared ignoring case (so exact
/// repeats too), at any depth, free-form values included. Both kinds are refused: with an exact repeat a validator
/// and a reader can each take a different one; with a case variant, a case-insensitive reader (System.Text.Json's web
/// defaults, many agents' deserialisers) can. One pass of a <see cref="Utf8JsonReader"/>; no string per ASCII name.
/// </summary>
internal static class DuplicatePropertyFinder
{
    // Past this many names an object's names go into a set, so a huge object costs linear time, not quadratic.
    private const int SetThreshold = 16;

    [ThreadStatic]
    private static List<Frame>? ThreadFrames;

    [ThreadStatic]
    private static List<Name>? ThreadNames;

    /// <summary>The diagnostic of the first repeated name, or <see langword="null"/>; <paramref name="json"/> must be well-formed.</summary>
    public static InputDiagnostic? Find(ReadOnlySpan<byte> json)
    {
        // The lists are reused per thread: reading a body allocates nothing here unless a name needs decoding.
        var frames = ThreadFrames ??= new List<Frame>(8);
        var names = ThreadNames ??= new List<Name>(32);
        try
        {
            return Find(json, frames, names);
        }
        finally
        {
            frames.Clear();
            names.Clear();
            if (names.Capacity > 1024)
            {
                ThreadNames = null; // a huge body's list is not kept alive on the thread
            }
        }
    }

    private static InputDiagnostic? Find(ReadOnlySpan<byte> json, List<Frame> frames, List<Name> names)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = RunAgentInputReaderOptions.MaxDepth });
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    CountItem(frames);
                    frames.Add(new Frame { IsObject = reader.TokenType == JsonTokenType.StartObject, NamesStart = names.Count });
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    names.RemoveRange(frames[^1].NamesStart, names.Count - frames[^1].NamesStart);
                    frames.RemoveAt(frames.Count - 1);
                    break;
                case JsonTokenType.PropertyName:
                    var name = NameOf(ref reader);
                    ref var frame = ref CollectionsMarshal.AsSpan(frames)[^1];
                    if (IsRepeat(json, ref frame, names, name))
                    {
                        return Diagnostic(json, frames, name);
                    }

                    names.Add(name);
                    frame.LastName = name;
                    break;
                default:
                    CountItem(frames);
                    break;
            }
        }

        return null;
    }

    private static bool IsRepeat(ReadOnlySpan<byte> json, ref Frame frame, List<Name> names, Name name)
    {
        var count = names.Count - frame.NamesStart;
        if (frame.Set is null && count < SetThreshold)
        {
            for (var i = frame.NamesStart; i < names.Count; i++)
            {
                if (SameIgnoringCase(json, names[i], name))
                {
                    return true;
                }
            }

            return false;
        }

        if (frame.Set is null)
        {
            frame.Set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (var i = frame.NamesStart; i < names.Count; i++)
            {
                frame.Set.Add(TextOf(json, names[i]));
            }
        }

        return !frame.Set.Add(TextOf(json, name));
    }

    private static bool SameIgnoringCase(ReadOnlySpan<byte> json, Name a, Name b)
    {
        if (a.Text is null && b.Text is null)
        {
            return System.Text.Ascii.EqualsIgnoreCase(json.Slice(a.Start, a.Length), json.Slice(b.Start, b.Length));
        }

        return string.Equals(TextOf(json, a), TextOf(json, b), StringComparison.OrdinalIgnoreCase);
    }

    // ASCII names without escapes stay spans into the body; others are decoded once, as System.Text.Json reads them.
    private static Name NameOf(ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        var start = checked((int)reader.TokenStartIndex + 1);
        var text = reader.ValueIsEscaped || !System.Text.Ascii.IsValid(raw) ? reader.GetString() : null;
        return new Name(start, raw.Length, text);
    }

    private static string TextOf(ReadOnlySpan<byte> json, Name name) =>
        name.Text ?? Encoding.UTF8.GetString(json.Slice(name.Start, name.Length));

    private static void CountItem(List<Frame> frames)
    {
        if (frames.Count > 0 && !frames[^1].IsObject)
        {
            CollectionsMarshal.AsSpan(frames)[^1].Items++;
        }
    }

    private static InputDiagnostic Diagnostic(ReadOnlySpan<byte> json, List<Frame> frames, Name repeated)
    {
        var path = new JsonPointerPath();
        for (var i = 0; i < frames.Count - 1; i++)
        {
            if (frames[i].IsObject)
            {
                path.Push(TextOf(json, frames[i].LastName));
            }
            else
            {
                path.Push(frames[i].Items - 1);
            }
        }

        var text = TextOf(json, repeated);
        return new InputDiagnostic(InputErrorCodes.DuplicateProperty, path.Render(text),
            $"Property '{text}' appears twice in one object (names are compared ignoring case); send each property once.");
    }

    private struct Frame
    {
        public bool IsObject;
        public int NamesStart;
        public int Items;
        public Name LastName;
        public HashSet<string>? Set;
    }

    private readonly record struct Name(int Start, int Length, string? Text);
}
