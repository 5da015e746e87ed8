namespace AutomagikHello.AgUi.Sequencing;

/// <summary>RFC 6901 JSON Pointer parsing: <c>""</c> is the whole document, <c>~1</c> is <c>/</c>, <c>~0</c> is <c>~</c>.</summary>
internal static class JsonPointer
{
    /// <summary>Splits <paramref name="pointer"/> into unescaped reference tokens; false if it is not a valid pointer.</summary>
    public static bool TryParse(string pointer, out string[] tokens)
    {
        tokens = [];
        if (pointer.Length == 0)
        {
            return true;
        }

        if (pointer[0] != '/')
        {
            return false;
        }

        var parts = pointer[1..].Split('/');
        for (var i = 0; i < parts.Length; i++)
        {
            if (!TryUnescape(parts[i], out var token))
            {
                return false;
            }

            parts[i] = token;
        }

        tokens = parts;
        return true;
    }

    /// <summary>An array index token: <c>0</c> or a digit string without leading zeros that fits an <see cref="int"/>.</summary>
    public static bool TryParseIndex(string token, out int index)
    {
        index = 0;
        if (token.Length == 0 || token.Length > 10 || (token.Length > 1 && token[0] == '0'))
        {
            return false;
        }

        long value = 0;
        foreach (var c in token)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        if (value > int.MaxValue)
        {
            return false;
        }

        index = (int)value;
        return true;
    }

    /// <summary>Whether <paramref name="prefix"/> is a proper prefix of <paramref name="tokens"/> (a move into its own child).</summary>
    public static bool IsProperPrefix(string[] prefix, string[] tokens)
    {
        if (prefix.Length >= tokens.Length)
        {
            return false;
        }

        for (var i = 0; i < prefix.Length; i++)
        {
            if (!string.Equals(prefix[i], tokens[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryUnescape(string part, out string token)
    {
        token = part;
        var tilde = part.IndexOf('~', StringComparison.Ordinal);
        if (tilde < 0)
        {
            return true;
        }

        var chars = new char[part.Length];
        var length = 0;
        for (var i = 0; i < part.Length; i++)
        {
            var c = part[i];
            if (c == '~')
            {
                if (i + 1 >= part.Length || part[i + 1] is not ('0' or '1'))
                {
                    return false;
                }

                c = part[++i] == '0' ? '~' : '/';
            }

            chars[length++] = c;
        }

        token = new string(chars, 0, length);
        return true;
    }
}
