namespace AutomagikHello.AgUi;

/// <summary>An <see cref="IAgUiAgent"/> whose run is a delegate: an agent without a class of its own.</summary>
/// <param name="runAsync">Runs the agent once (see <see cref="IAgUiAgent.RunAsync"/>).</param>
public sealed class DelegateAgent(Func<AgUiRun, CancellationToken, ValueTask<AgentOutcome>> runAsync) : IAgUiAgent
{
    /// <inheritdoc />
    public ValueTask<AgentOutcome> RunAsync(AgUiRun run, CancellationToken cancellationToken) => runAsync(run, cancellationToken);
}
