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
    private readonly Dictionary<RunKey, List<ActiveRun>> _runs = [];
    private readonly Dictionary<ThreadKey, List<ActiveRun>> _byThread = [];
    private readonly Lock _gate = new();
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
                var count = 0;
                foreach (var runs in _runs.Values)
                {
                    count += runs.Count;
                }

                return count;
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
        var run = new ActiveRun(this, new RunKey(agent, owner, threadId), agentName is null ? null : new ThreadKey(agentName, owner, threadId), runId, queue);
        lock (_gate)
        {
            Add(_runs, run.Key, run);
            if (run.ThreadKey is { } threadKey)
            {
                Add(_byThread, threadKey, run);
            }
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
            if (!_byThread.TryGetValue(key, out var list))
            {
                return [];
            }

            runs = [.. list];
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

    private static void Add<TKey>(Dictionary<TKey, List<ActiveRun>> index, TKey key, ActiveRun run)
        where TKey : notnull
    {
        if (!index.TryGetValue(key, out var runs))
        {
            runs = new List<ActiveRun>(1);
            index.Add(key, runs);
        }

        runs.Add(run);
    }

    /// <summary>Stops every active run of <paramref name="agent"/> on <paramref name="owner"/>'s thread <paramref name="threadId"/>.</summary>
    /// <returns>The ids of the runs stopped, oldest first; empty when none was active.</returns>
    public IReadOnlyList<string> Cancel(object agent, string owner, string threadId)
    {
        ActiveRun[] runs;
        lock (_gate)
        {
            if (!_runs.TryGetValue(new RunKey(agent, owner, threadId), out var list))
            {
                return [];
            }

            runs = [.. list];
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
            foreach (var runs in _runs.Values)
            {
                all.AddRange(runs);
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
            if (_runs.TryGetValue(run.Key, out var runs) && runs.Remove(run) && runs.Count == 0)
            {
                _runs.Remove(run.Key);
            }

            if (run.ThreadKey is { } threadKey && _byThread.TryGetValue(threadKey, out var byThread) && byThread.Remove(run) && byThread.Count == 0)
            {
                _byThread.Remove(threadKey);
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

    internal ActiveRun(ActiveRunRegistry registry, ActiveRunRegistry.RunKey key, ThreadKey? threadKey, string runId, RunEventQueue queue)
    {
        _registry = registry;
        Key = key;
        ThreadKey = threadKey;
        RunId = runId;
        Queue = queue;
    }

    public ActiveRunRegistry.RunKey Key { get; }

    /// <summary>The run's thread in the store, when registered with the agent's name.</summary>
    public ThreadKey? ThreadKey { get; }

    public string RunId { get; }

    public RunEventQueue Queue { get; }

    public void Dispose() => _registry.Remove(this);
}
