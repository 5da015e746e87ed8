using AutomagikHello.AgUi.Extensions.AI;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace AutomagikHello.AgUi.Agents.AI;

/// <summary>
/// An AG-UI agent served by a Microsoft Agent Framework <see cref="AIAgent"/> (a <see cref="ChatClientAgent"/>, or any
/// agent that streams <see cref="AgentResponseUpdate"/>s), on the same mapping as <see cref="ChatClientAgUiAgent"/>:
/// the input's history, context and state go in as chat messages, the input's frontend <c>tools</c> as declarations
/// the server does not run, and the agent's streamed text, reasoning, tool calls, results and usage come out as AG-UI
/// events.
/// </summary>
/// <remarks>
/// <para>
/// Each run gets a fresh <see cref="AgentSession"/> fed the whole AG-UI history: an AG-UI client resends the
/// conversation with every run, and the thread store (not the session) holds what must survive between runs (the
/// pending approvals and the calls they approve), so any instance behind a load balancer can serve the next run. An
/// agent that keeps its conversation in a service (a <c>ConversationId</c>) gets it again in full each run.
/// </para>
/// <para>
/// A call to an <see cref="ApprovalRequiredAIFunction"/> ends the run with one <c>tool_call</c> interrupt per call. On
/// resume the approval is rebuilt from the call the thread store recorded, never from what the client sends back: the
/// client's copies of the call are removed from the history and the recorded call, with its approval, is put in their
/// place; the agent's own function invocation then runs it once. A provider failure ends the run with
/// <see cref="ChatClientErrorCodes.ModelError"/>; cancellation stops the agent's stream and ends the run cancelled.
/// </para>
/// </remarks>
public sealed class AgentFrameworkAgUiAgent : IAgUiAgent
{
    /// <summary>
    /// Where Agent Framework's <c>ApprovalResponseBindingChatClient</c> (in every <see cref="ChatClientAgent"/>'s
    /// pipeline) keeps the approval requests it surfaced, in the session's state bag. Not public in Microsoft.Agents.AI
    /// 1.28.0; the tests of this package fail if it moves.
    /// </summary>
    private const string PendingApprovalRequestsKey = "_pendingApprovalRequests";

    private readonly AIAgent _agent;
    private readonly AgentFrameworkAgUiAgentOptions _options;
    private readonly Dictionary<string, AITool> _toolsByName = new(StringComparer.Ordinal);

    /// <summary>Creates the agent.</summary>
    /// <param name="agent">The Agent Framework agent.</param>
    /// <param name="options">How context and state reach it, how long approvals last; defaults when <see langword="null"/>.</param>
    public AgentFrameworkAgUiAgent(AIAgent agent, AgentFrameworkAgUiAgentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(agent);
        _agent = agent;
        _options = options ?? new AgentFrameworkAgUiAgentOptions();
        // The agent's tools, for an approval's schema of edits and so a frontend tool cannot shadow one. A tool the
        // agent adds per run (an AIContextProvider's) is not known here: its approvals accept no edits.
        foreach (var tool in (IEnumerable<AITool>?)agent.GetService<ChatOptions>()?.Tools ?? [])
        {
            _toolsByName.TryAdd(tool.Name, tool);
        }

        foreach (var tool in agent.GetService<FunctionInvokingChatClient>()?.AdditionalTools ?? [])
        {
            _toolsByName.TryAdd(tool.Name, tool);
        }
    }

    /// <summary>
    /// The run a server tool is being invoked for (its thread id, user, services, resume answers' idempotency keys), or
    /// <see langword="null"/> outside a tool invoked by this agent. Read it inside an <see cref="AIFunction"/>, beside
    /// Agent Framework's <see cref="AIAgent.CurrentRunContext"/> and <see cref="FunctionInvokingChatClient.CurrentContext"/>.
    /// </summary>
    public static AgUiRun? CurrentRun => ModelRun.Current;

    /// <inheritdoc />
    public async ValueTask<AgentOutcome> RunAsync(AgUiRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var modelRun = ModelRun.Start(run, _options, name => _toolsByName.GetValueOrDefault(name));
        var session = await _agent.CreateSessionAsync(cancellationToken).ConfigureAwait(false);
        RecordApprovalRequests(session, modelRun.History);
        return await modelRun.StreamAsync(
            _agent.RunStreamingAsync(modelRun.History, session, RunOptionsFor(run.Input), cancellationToken),
            static (translator, update) => translator.OnUpdateAsync(
                update.Contents,
                update.MessageId,
                (update.RawRepresentation as ChatResponseUpdate)?.ModelId),
            _agent.GetService<AIAgentMetadata>()?.ProviderName,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Puts the approval requests of this resume (rebuilt from the calls the thread store recorded, the only ones in
    /// the history) where Agent Framework's approval binding looks for the requests it surfaced: a
    /// <see cref="ChatClientAgent"/> honours a <see cref="ToolApprovalResponseContent"/> only for a request recorded in
    /// its session's state bag, and the session is new each run.
    /// </summary>
    private static void RecordApprovalRequests(AgentSession session, List<ChatMessage> history)
    {
        List<ToolApprovalRequestContent>? requests = null;
        foreach (var message in history)
        {
            foreach (var content in message.Contents)
            {
                if (content is ToolApprovalRequestContent request)
                {
                    (requests ??= []).Add(request);
                }
            }
        }

        if (requests is not null)
        {
            session.StateBag.SetValue(PendingApprovalRequestsKey, requests, AgentAbstractionsJsonUtilities.DefaultOptions);
        }
    }

    /// <summary>The input's frontend tools, as run options a <see cref="ChatClientAgent"/> adds to its own tools.</summary>
    private ChatClientAgentRunOptions? RunOptionsFor(RunAgentInput input)
    {
        if (input.Tools is not { Count: > 0 })
        {
            return null;
        }

        var tools = new List<AITool>(input.Tools.Count);
        ModelRun.DeclareFrontendTools(input, _toolsByName.ContainsKey, tools);
        return tools.Count > 0 ? new ChatClientAgentRunOptions(new ChatOptions { Tools = tools }) : null;
    }
}
