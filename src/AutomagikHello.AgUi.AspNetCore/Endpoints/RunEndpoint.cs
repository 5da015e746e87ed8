using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary><c>POST {agent}</c>: reads the run input at the edge, then streams the run.</summary>
internal sealed class RunEndpoint(MappedAgent mapped, AgUiEndpointServices services)
{
    public Task HandleAsync(HttpContext context) => RunAsync(context, services.Pipeline, services.Reader, mapped.Agent, mapped.Name, input: null, mapped.EventLog);

    /// <summary>Runs <paramref name="agent"/> for a request no mapped endpoint serves (<see cref="AgUiResults"/>).</summary>
    public static Task RunAsync(HttpContext context, IAgUiAgent agent, string agentName, RunAgentInput? input)
    {
        var services = context.RequestServices;
        var pipeline = services.GetService<RunPipeline>()
            ?? throw new InvalidOperationException("AG-UI services are not registered: call services.AddAgUi() at start-up.");
        return RunAsync(context, pipeline, services.GetRequiredService<RunRequestReader>(), agent, agentName, input);
    }

    /// <summary>Runs <paramref name="agent"/> for the request; reads the input from the body unless given.</summary>
    /// <param name="context">The request.</param>
    /// <param name="pipeline">The run pipeline.</param>
    /// <param name="reader">The request reader.</param>
    /// <param name="agent">The agent.</param>
    /// <param name="agentName">The agent's key in the thread store.</param>
    /// <param name="input">The input, when the caller already has it.</param>
    /// <param name="logged">How the run is logged for reconnects, when the agent has an event log.</param>
    private static Task RunAsync(HttpContext context, RunPipeline pipeline, RunRequestReader reader, IAgUiAgent agent, string agentName, RunAgentInput? input, AgUiEventLogOptions? logged = null)
    {
        var requestTimestamp = pipeline.Clock.GetTimestamp();
        if (input is not null)
        {
            return reader.CheckAccept(context.Request) is { } notAcceptable
                ? WriteProblemAsync(context, notAcceptable)
                : pipeline.ExecuteAsync(context, agent, agentName, input, requestTimestamp, logged: logged);
        }

        // A body that has arrived with its headers is read at once: the run's task is then the pipeline's own, and no
        // frame of this method stays alive (and holds memory) for as long as the stream is open.
        var reading = reader.ReadAsync(context);
        return reading.IsCompletedSuccessfully
            ? RunRead(reading.Result, context, pipeline, agent, agentName, requestTimestamp, logged)
            : ReadThenRunAsync(reading, context, pipeline, agent, agentName, requestTimestamp, logged);
    }

    private static async Task ReadThenRunAsync(ValueTask<RunRequest> reading, HttpContext context, RunPipeline pipeline, IAgUiAgent agent, string agentName, long requestTimestamp, AgUiEventLogOptions? logged)
    {
        RunRequest request;
        try
        {
            request = await reading.ConfigureAwait(false);
        }
        catch (Exception ex) when (ClientDisconnect.Explains(ex, context))
        {
            return; // the client left while sending; nobody to answer
        }

        await RunRead(request, context, pipeline, agent, agentName, requestTimestamp, logged).ConfigureAwait(false);
    }

    private static Task RunRead(RunRequest request, HttpContext context, RunPipeline pipeline, IAgUiAgent agent, string agentName, long requestTimestamp, AgUiEventLogOptions? logged) =>
        request.Problem is { } problem
            ? WriteProblemAsync(context, problem)
            : pipeline.ExecuteAsync(context, agent, agentName, request.Input!, requestTimestamp, logged: logged);

    private static async Task WriteProblemAsync(HttpContext context, AgUiProblem problem)
    {
        try
        {
            await problem.WriteAsync(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (ClientDisconnect.Explains(ex, context))
        {
            // The client left; nobody to answer.
        }
    }
}
