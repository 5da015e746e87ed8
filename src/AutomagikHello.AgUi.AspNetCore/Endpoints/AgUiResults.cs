using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// Results that stream an AG-UI run from a handler of your own (a minimal-API handler or an MVC action), with the
/// same edge checks, lifecycle, limits and telemetry as <c>MapAgUi</c>. Requires
/// <see cref="AgUiServiceCollectionExtensions.AddAgUi"/>.
/// </summary>
public static class AgUiResults
{
    /// <summary>
    /// Reads the request body as a <see cref="RunAgentInput"/> (415/413/400 problem+json when it is not one; 406 when
    /// the client cannot read an event stream) and streams a run of <paramref name="agent"/>. A run is registered for
    /// cancellation under the agent instance, so a run of an instance that is also mapped with <c>MapAgUi</c> can be
    /// stopped through that mapping's cancel endpoint.
    /// </summary>
    /// <param name="agent">The agent.</param>
    /// <returns>The result.</returns>
    public static IResult Run(IAgUiAgent agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return new AgUiRunResult(agent, null);
    }

    /// <summary>
    /// Reads the request body and streams a run of the agent written as a delegate; see <see cref="Run(IAgUiAgent)"/>.
    /// Each call wraps the delegate in a new agent, so no mapped cancel endpoint reaches these runs (client disconnect
    /// and <see cref="AgUiRunnerOptions.MaxRunDuration"/> still stop them).
    /// </summary>
    /// <param name="agent">The agent's run.</param>
    /// <returns>The result.</returns>
    public static IResult Run(Func<AgUiRun, CancellationToken, ValueTask<AgentOutcome>> agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return new AgUiRunResult(new DelegateAgent(agent), null);
    }

    /// <summary>
    /// Streams a run of <paramref name="agent"/> for an input the handler already has (the body is not read again;
    /// validate such input yourself, e.g. with <c>RunAgentInputReader</c>). 406 when the client cannot read an event stream.
    /// </summary>
    /// <param name="input">The run's input.</param>
    /// <param name="agent">The agent.</param>
    /// <returns>The result.</returns>
    public static IResult Run(RunAgentInput input, IAgUiAgent agent)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(agent);
        return new AgUiRunResult(agent, input);
    }

    private sealed class AgUiRunResult(IAgUiAgent agent, RunAgentInput? input) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            // Threads of a handler's runs are keyed by the handler's route, so they are stable across restarts.
            var agentName = (httpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? agent.GetType().FullName ?? "agent";
            return RunEndpoint.RunAsync(httpContext, agent, "/" + agentName.Trim('/'), input);
        }
    }
}
