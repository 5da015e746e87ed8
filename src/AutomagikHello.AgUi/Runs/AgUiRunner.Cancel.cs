using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.Runs;

/// <content>Barge-in: stopping the runs this process is streaming.</content>
public sealed partial class AgUiRunner
{
    /// <summary>
    /// Stops every run of <paramref name="agent"/> on <paramref name="owner"/>'s thread <paramref name="threadId"/> that
    /// this runner is streaming (barge-in): each agent's token is cancelled, open items are closed and the run ends with
    /// the <c>cancelled</c> outcome.
    /// </summary>
    /// <param name="agent">The agent instance the runs were started with.</param>
    /// <param name="owner">The thread's owner.</param>
    /// <param name="threadId">The thread.</param>
    /// <returns>The ids of the runs stopped, oldest first; empty when none was active.</returns>
    public IReadOnlyList<string> Cancel(IAgUiAgent agent, string owner, string threadId) => _registry.Cancel(agent, owner, threadId);

    /// <summary>
    /// Stops the run <paramref name="runId"/> of the thread <paramref name="thread"/> (every run of it when
    /// <see langword="null"/>) if this runner is streaming it, as <see cref="Cancel(IAgUiAgent, string, string)"/> does.
    /// </summary>
    /// <param name="thread">The thread, by the agent name its runs were started with.</param>
    /// <param name="runId">The run, or <see langword="null"/> for every run of the thread.</param>
    /// <returns>The ids of the runs stopped; empty when none matched.</returns>
    public IReadOnlyList<string> Cancel(ThreadKey thread, string? runId) => _registry.Cancel(thread, runId);
}
