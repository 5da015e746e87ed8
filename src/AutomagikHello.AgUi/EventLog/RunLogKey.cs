using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.EventLog;

/// <summary>Identifies one run's event log: the thread it ran on (agent, owner, thread id) and the run's id.</summary>
/// <param name="Thread">The thread; another owner's run with the same ids is another run, so it is simply not found.</param>
/// <param name="RunId">The run's id as the client sent it.</param>
public readonly record struct RunLogKey(ThreadKey Thread, string RunId)
{
    /// <inheritdoc />
    public override string ToString() => $"{Thread}/{RunId}";
}
