using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace AutomagikHello.AgUi.Threads;

/// <summary>
/// A thread record's consumed-interrupt memory: interrupt id → the run that consumed it, oldest first, at most the
/// most recent <see cref="ThreadTransitions.ConsumedMemory"/> ids. Records are immutable, and copying the whole map on
/// every completion was most of what a run allocated; so each map is a window onto a shared append-only log, and a
/// new map appends in place after its predecessor's window (claiming the slots with a compare-and-swap). It copies
/// only when the log is full or another transition already appended there (a lost race), so windows never overlap
/// writes and every published map stays as it was.
/// </summary>
internal sealed class ConsumedInterrupts : IReadOnlyDictionary<string, string>
{
    public static readonly ConsumedInterrupts Empty = new(new Log(0), 0, 0);

    private readonly Log _log;
    private readonly int _start;
    private readonly int _count;

    private ConsumedInterrupts(Log log, int start, int count)
    {
        _log = log;
        _start = start;
        _count = count;
    }

    public int Count => _count;

    public IEnumerable<string> Keys => this.Select(static pair => pair.Key);

    public IEnumerable<string> Values => this.Select(static pair => pair.Value);

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"Interrupt '{key}' is not remembered as consumed.");

    /// <summary>
    /// <paramref name="consumed"/> plus <paramref name="ids"/>, consumed by <paramref name="runId"/>, keeping the newest
    /// <paramref name="memory"/> ids (all of <paramref name="ids"/> even when they alone exceed it). The ids must not be
    /// remembered already: a consumed id was pending, and an id still remembered cannot be raised again.
    /// </summary>
    public static ConsumedInterrupts Append(IReadOnlyDictionary<string, string> consumed, IReadOnlyList<string> ids, string runId, int memory)
    {
        var added = ids.Count;
        var keep = Math.Max(0, Math.Min(consumed.Count, memory - added));
        Log log;
        if (consumed is ConsumedInterrupts window)
        {
            var end = window._start + window._count;
            log = window._log;
            if (end + added <= log.Entries.Length && Interlocked.CompareExchange(ref log.Used, end + added, end) == end)
            {
                // Readers reach these slots only through the record published after this, which the store does
                // behind a full fence (its lock or compare-and-swap), so they never see them half written.
                Write(log, end, ids, runId);
                return new ConsumedInterrupts(log, end - keep, keep + added);
            }

            log = new Log(Capacity(keep + added, memory));
            Array.Copy(window._log.Entries, end - keep, log.Entries, 0, keep);
        }
        else
        {
            // A map read back from storage (SQLite, Redis): its enumeration order is the order it was written in.
            log = new Log(Capacity(keep + added, memory));
            var skip = consumed.Count - keep;
            var i = 0;
            foreach (var (id, by) in consumed)
            {
                if (skip-- > 0)
                {
                    continue;
                }

                log.Entries[i++] = new Entry(id.GetHashCode(StringComparison.Ordinal), id, by);
            }
        }

        Write(log, keep, ids, runId);
        log.Used = keep + added;
        return new ConsumedInterrupts(log, 0, keep + added);
    }

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        var hash = key.GetHashCode(StringComparison.Ordinal);
        var entries = _log.Entries;
        for (var i = _start + _count - 1; i >= _start; i--)
        {
            if (entries[i].Hash == hash && string.Equals(entries[i].Id, key, StringComparison.Ordinal))
            {
                value = entries[i].RunId;
                return true;
            }
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator()
    {
        for (var i = _start; i < _start + _count; i++)
        {
            yield return new KeyValuePair<string, string>(_log.Entries[i].Id, _log.Entries[i].RunId);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // Room to append up to twice the memory before copying again: a full map copies once per `memory` completions.
    private static int Capacity(int count, int memory) => Math.Max(count, Math.Max(4, Math.Min(2 * memory, 2 * count)));

    private static void Write(Log log, int at, IReadOnlyList<string> ids, string runId)
    {
        for (var i = 0; i < ids.Count; i++)
        {
            log.Entries[at + i] = new Entry(ids[i].GetHashCode(StringComparison.Ordinal), ids[i], runId);
        }
    }

    private readonly record struct Entry(int Hash, string Id, string RunId);

    private sealed class Log(int capacity)
    {
        public readonly Entry[] Entries = capacity == 0 ? [] : new Entry[capacity];

        // Slots handed out so far; a window may append in place only when this is still its end.
        public int Used;
    }
}
