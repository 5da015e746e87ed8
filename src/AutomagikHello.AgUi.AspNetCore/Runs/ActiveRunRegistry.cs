using Microsoft.Extensions.Hosting;

namespace AutomagikHello.AgUi.AspNetCore;

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
    public ActiveRun Register(object agent, string owner, string threadId, string runId, RunEventQueue queue)
    {
        var run = new ActiveRun(this, new RunKey(agent, owner, threadId), runId, queue);
        lock (_gate)
        {
            if (!_runs.TryGetValue(run.Key, out var runs))
            {
                runs = new List<ActiveRun>(1);
                _runs.Add(run.Key, runs);
            }

            runs.Add(run);
        }

        return run;
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
        }
    }

    public void Dispose() => _stopping.Dispose();

    internal readonly record struct RunKey(object Agent, string Owner, string ThreadId);
}

/// <summary>One run tracked by the <see cref="ActiveRunRegistry"/>; disposing it stops the tracking.</summary>
internal sealed class ActiveRun : IDisposable
{
    private readonly ActiveRunRegistry _registry;

    internal ActiveRun(ActiveRunRegistry registry, ActiveRunRegistry.RunKey key, string runId, RunEventQueue queue)
    {
        _registry = registry;
        Key = key;
        RunId = runId;
        Queue = queue;
    }

    public ActiveRunRegistry.RunKey Key { get; }

    public string RunId { get; }

    public RunEventQueue Queue { get; }

    public void Dispose() => _registry.Remove(this);
}
