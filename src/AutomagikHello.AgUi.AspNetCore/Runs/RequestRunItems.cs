using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// An HTTP run's <see cref="AgUiRun.Items"/>: the request under <see cref="AgUiRunHttpExtensions.HttpContextKey"/> in
/// one field, a dictionary only once the agent changes the items or lists them. A held stream's items are usually
/// just the request, and a dictionary of one entry costs about 200 bytes.
/// </summary>
internal sealed class RequestRunItems(HttpContext context) : IDictionary<object, object?>
{
    private Dictionary<object, object?>? _all;

    public int Count => _all?.Count ?? 1;

    public bool IsReadOnly => false;

    public ICollection<object> Keys => All.Keys;

    public ICollection<object?> Values => All.Values;

    public object? this[object key]
    {
        get => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The key '{key}' is not in the run's items.");
        set => All[key] = value;
    }

    /// <summary>The items as a dictionary, made on first need.</summary>
    private Dictionary<object, object?> All => _all ??= new Dictionary<object, object?> { [AgUiRunHttpExtensions.HttpContextKey] = context };

    public bool TryGetValue(object key, [MaybeNullWhen(false)] out object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (_all is not null)
        {
            return _all.TryGetValue(key, out value);
        }

        if (ReferenceEquals(key, AgUiRunHttpExtensions.HttpContextKey))
        {
            value = context;
            return true;
        }

        value = null;
        return false;
    }

    public bool ContainsKey(object key) => TryGetValue(key, out _);

    public void Add(object key, object? value) => All.Add(key, value);

    public void Add(KeyValuePair<object, object?> item) => ((ICollection<KeyValuePair<object, object?>>)All).Add(item);

    public bool Remove(object key) => All.Remove(key);

    public bool Remove(KeyValuePair<object, object?> item) => ((ICollection<KeyValuePair<object, object?>>)All).Remove(item);

    public void Clear() => All.Clear();

    public bool Contains(KeyValuePair<object, object?> item) => ((ICollection<KeyValuePair<object, object?>>)All).Contains(item);

    public void CopyTo(KeyValuePair<object, object?>[] array, int arrayIndex) => ((ICollection<KeyValuePair<object, object?>>)All).CopyTo(array, arrayIndex);

    public IEnumerator<KeyValuePair<object, object?>> GetEnumerator() => All.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
