using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.Hosting;

namespace AutomagikHello.AgUi.Runs;

/// <summary>
/// The runs streaming in this process, keyed by (agent, owner, threadId), so <c>POST {agent}/threads/{threadId}/cancel</c>
/// can stop them. Several concurrent runs on one thread are tracked side by side, and a cancel stops all of them
/// (barge-in silences the thread). When the host stops, every active run is stopped too, so its stream ends with the
/// cancelled outcome instead of holding shutdown up. In-process only: a later thread store makes cancel work across
/// instances. Touched once when a run starts, once when it ends and on each cancel, never per event.
/// </summary>
internal sealed class ActiveRunRegistry : IDisposable
{
    // Each value is the oldest run under its key; the others follow it through ActiveRun's links (almost always none),
    // so a held run costs its ActiveRun and two dictionary entries, no lists.
    private readonly Dictionary<RunKey, ActiveRun> _runs = [];
    private readonly Dictionary<ThreadKey, ActiveRun> _byThread = [];
    private readonly Lock _gate = new();
    private int _count;
    private readonly CancellationTokenRegistration _stopping;

    public ActiveRunRegistry(IHostApplicationLifetime? lifetime = null)
    {
        if (lifetime is not null)
        {
            _stopping = lifetime.ApplicationStopping.UnsafeRegister(static state => ((ActiveRunRegistry)state!).StopAll(RunStopReason.Shutdown), this);
        }
    }

    /// <summary>The number of active runs.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Tracks a run until the returned registration is disposed.</summary>
    /// <param name="agent">The agent instance (the key of in-process cancels).</param>
    /// <param name="owner">The thread's owner.</param>
    /// <param name="threadId">The thread.</param>
    /// <param name="runId">The run.</param>
    /// <param name="queue">The run's event queue, stopped on cancel.</param>
    /// <param name="agentName">The agent's name in thread keys, for cancels by <see cref="ThreadKey"/>; none when <see langword="null"/>.</param>
    public ActiveRun Register(object agent, string owner, string threadId, string runId, RunEventQueue queue, string? agentName = null)
    {
        var run = new ActiveRun(this, new RunKey(agent, owner, threadId), agentName, runId, queue);
        lock (_gate)
        {
            Append(_runs, run.Key, run, static r => ref r.NextUnderKey);
            if (run.ThreadKey is { } threadKey)
            {
                Append(_byThread, threadKey, run, static r => ref r.NextOnThread);
            }

            _count++;
        }

        return run;
    }

    /// <summary>
    /// Stops the active runs registered under <paramref name="key"/>: the run <paramref name="runId"/>, or every run of
    /// the thread when it is <see langword="null"/>.
    /// </summary>
    /// <returns>The ids of the runs stopped; empty when none matched.</returns>
    public IReadOnlyList<string> Cancel(ThreadKey key, string? runId)
    {
        ActiveRun[] runs;
        lock (_gate)
        {
            if (!_byThread.TryGetValue(key, out var first))
            {
                return [];
            }

            runs = ToArray(first, static r => ref r.NextOnThread);
        }

        List<string>? stopped = null;
        foreach (var run in runs)
        {
            if ((runId is null || string.Equals(run.RunId, runId, StringComparison.Ordinal)) && run.Queue.TryStop(RunStopReason.CancelRequested))
            {
                (stopped ??= new List<string>(1)).Add(run.RunId);
            }
        }

        return (IReadOnlyList<string>?)stopped ?? [];
    }

    private delegate ref ActiveRun? Link(ActiveRun run);

    private static void Append<TKey>(Dictionary<TKey, ActiveRun> index, TKey key, ActiveRun run, Link next)
        where TKey : notnull
    {
        if (!index.TryGetValue(key, out var last))
        {
            index.Add(key, run);
            return;
        }

        while (next(last) is { } later)
        {
            last = later;
        }

        next(last) = run;
    }

    private static void Unlink<TKey>(Dictionary<TKey, ActiveRun> index, TKey key, ActiveRun run, Link next)
        where TKey : notnull
    {
        if (!index.TryGetValue(key, out var first))
        {
            return;
        }

        if (ReferenceEquals(first, run))
        {
            if (next(run) is { } second)
            {
                index[key] = second;
            }
            else
            {
                index.Remove(key);
            }

            next(run) = null;
            return;
        }

        for (var previous = first; next(previous) is { } current; previous = current)
        {
            if (ReferenceEquals(current, run))
            {
                next(previous) = next(run);
                next(run) = null;
                return;
            }
        }
    }

    private static ActiveRun[] ToArray(ActiveRun first, Link next)
    {
        var count = 0;
        for (ActiveRun? run = first; run is not null; run = next(run))
        {
            count++;
        }

        var runs = new ActiveRun[count];
        var i = 0;
        for (ActiveRun? run = first; run is not null; run = next(run))
        {
            runs[i++] = run;
        }

        return runs;
    }

    /// <summary>Stops every active run of <paramref name="agent"/> on <paramref name="owner"/>'s thread <paramref name="threadId"/>.</summary>
    /// <returns>The ids of the runs stopped, oldest first; empty when none was active.</returns>
    public IReadOnlyList<string> Cancel(object agent, string owner, string threadId)
    {
        ActiveRun[] runs;
        lock (_gate)
        {
            if (!_runs.TryGetValue(new RunKey(agent, owner, threadId), out var first))
            {
                return [];
            }

            runs = ToArray(first, static r => ref r.NextUnderKey);
        }

        var stopped = new List<string>(runs.Length);
        foreach (var run in runs)
        {
            if (run.Queue.TryStop(RunStopReason.CancelRequested))
            {
                stopped.Add(run.RunId);
            }
        }

        return stopped;
    }

    private void StopAll(RunStopReason reason)
    {
        List<ActiveRun> all = [];
        lock (_gate)
        {
            foreach (var first in _runs.Values)
            {
                all.AddRange(ToArray(first, static r => ref r.NextUnderKey));
            }
        }

        foreach (var run in all)
        {
            run.Queue.TryStop(reason);
        }
    }

    internal void Remove(ActiveRun run)
    {
        lock (_gate)
        {
            if (run.Removed)
            {
                return;
            }

            run.Removed = true;
            _count--;
            Unlink(_runs, run.Key, run, static r => ref r.NextUnderKey);
            if (run.ThreadKey is { } threadKey)
            {
                Unlink(_byThread, threadKey, run, static r => ref r.NextOnThread);
            }
        }
    }

    public void Dispose() => _stopping.Dispose();

    internal readonly record struct RunKey(object Agent, string Owner, string ThreadId);
}

/// <summary>One run tracked by the <see cref="ActiveRunRegistry"/>; disposing it stops the tracking.</summary>
internal sealed class ActiveRun : IDisposable
{
    private readonly ActiveRunRegistry _registry;

    // The agent's name only: the thread key is made from it and Key when asked (a held run keeps one string, not a key).
    private readonly string? _agentName;

    internal ActiveRun(ActiveRunRegistry registry, ActiveRunRegistry.RunKey key, string? agentName, string runId, RunEventQueue queue)
    {
        _registry = registry;
        Key = key;
        _agentName = agentName;
        RunId = runId;
        Queue = queue;
    }

    public ActiveRunRegistry.RunKey Key { get; }

    /// <summary>The run's thread in the store, when registered with the agent's name.</summary>
    public ThreadKey? ThreadKey => _agentName is null ? null : new ThreadKey(_agentName, Key.Owner, Key.ThreadId);

    public string RunId { get; }

    public RunEventQueue Queue { get; }

    /// <summary>The next run under the same <see cref="Key"/> (the registry's, under its lock).</summary>
    internal ActiveRun? NextUnderKey;

    /// <summary>The next run on the same <see cref="ThreadKey"/> (the registry's, under its lock).</summary>
    internal ActiveRun? NextOnThread;

    /// <summary>Whether the registry let go of it (a second dispose is a no-op).</summary>
    internal bool Removed;

    public void Dispose() => _registry.Remove(this);
}
