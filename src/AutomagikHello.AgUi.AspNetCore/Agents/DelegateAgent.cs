namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>An <see cref="IAgUiAgent"/> whose run is a delegate.</summary>
internal sealed class DelegateAgent(Func<AgUiRun, CancellationToken, ValueTask<AgentOutcome>> runAsync) : IAgUiAgent
{
    public ValueTask<AgentOutcome> RunAsync(AgUiRun run, CancellationToken cancellationToken) => runAsync(run, cancellationToken);
}
