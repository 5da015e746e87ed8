namespace AutomagikHello.AgUi;

/// <summary>
/// An agent served over AG-UI. It writes its events through the <see cref="AgUiRun"/> and returns how the run ended;
/// the library writes <c>RUN_STARTED</c>, closes whatever the agent left open and writes the single terminal event.
/// One instance serves every run, possibly concurrently.
/// </summary>
public interface IAgUiAgent
{
    /// <summary>Runs the agent once.</summary>
    /// <param name="run">The run: its input, ids, request services and the helpers that emit events.</param>
    /// <param name="cancellationToken">
    /// Fires when the run must stop: the client disconnected, the run was cancelled through
    /// <c>POST {agent}/threads/{threadId}/cancel</c>, it exceeded <see cref="Runs.AgUiRunnerOptions.MaxRunDuration"/> or the
    /// library ended it after a protocol violation.
    /// </param>
    /// <returns>
    /// How the run ended. Throwing instead ends it with <c>RUN_ERROR</c>: code <c>AGENT_ERROR</c>, or the code and message of
    /// a <see cref="RunErrorException"/>.
    /// </returns>
    ValueTask<AgentOutcome> RunAsync(AgUiRun run, CancellationToken cancellationToken);
}
