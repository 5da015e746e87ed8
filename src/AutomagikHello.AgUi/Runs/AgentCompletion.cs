namespace AutomagikHello.AgUi.Runs;

/// <summary>What the agent's <see cref="IAgUiAgent.RunAsync"/> came back with: an outcome or an exception.</summary>
internal sealed class AgentCompletion
{
    private AgentCompletion(AgentOutcome? outcome, Exception? exception)
    {
        Outcome = outcome;
        Exception = exception;
    }

    public AgentOutcome? Outcome { get; }

    public Exception? Exception { get; }

    public static AgentCompletion Returned(AgentOutcome outcome) => new(outcome, null);

    public static AgentCompletion Threw(Exception exception) => new(null, exception);
}
