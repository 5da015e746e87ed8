using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AutomagikHello.AgUi.Extensions.AI;

/// <summary>
/// An AG-UI agent served by any <see cref="IChatClient"/> (OpenAI, Azure OpenAI, Ollama, …) with a set of
/// <see cref="AITool"/>s. Each run sends the model, in order: <see cref="ChatClientAgUiAgentOptions.Instructions"/> as a
/// system message; the input's <c>context</c> and <c>state</c> as one system message (a line
/// <c>Context from the application:</c> followed by <c>- description: value</c> lines, then a line
/// <c>The application's current state (JSON):</c> followed by the state); then the history, every message with its
/// role and content (assistant tool calls with their text, tool results paired to their calls). The input's
/// frontend <c>tools</c> are declared to the model as functions the server does not run: a call to one ends the run
/// with the call pending for the client.
/// </summary>
/// <remarks>
/// Server tools run through Microsoft.Extensions.AI's <see cref="FunctionInvokingChatClient"/> (added unless the chat
/// client already has one). A call to an <see cref="ApprovalRequiredAIFunction"/> ends the run with one
/// <c>tool_call</c> interrupt per call of that turn; the approval is later rebuilt from the call the thread store
/// recorded, never from what the client sends back. A provider failure ends the run with
/// <see cref="ChatClientErrorCodes.ModelError"/>; cancellation stops the model's stream and ends it cancelled.
/// </remarks>
public sealed class ChatClientAgUiAgent : IAgUiAgent
{
    private readonly IChatClient _chatClient;
    private readonly bool _invokesFunctions;
    private readonly ChatClientAgUiAgentOptions _options;
    private readonly List<AITool> _serverTools;
    private readonly Dictionary<string, AITool> _toolsByName;

    /// <summary>Creates the agent.</summary>
    /// <param name="chatClient">The model. Its pipeline may already hold a <see cref="FunctionInvokingChatClient"/>.</param>
    /// <param name="options">Instructions, chat options, tools; defaults when <see langword="null"/>.</param>
    public ChatClientAgUiAgent(IChatClient chatClient, ChatClientAgUiAgentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(chatClient);
        _chatClient = chatClient;
        _invokesFunctions = chatClient.GetService<FunctionInvokingChatClient>() is not null;
        _options = options ?? new ChatClientAgUiAgentOptions();
        // One tool per name (the first listed), as the model is told each name once: providers refuse duplicates.
        _serverTools = [];
        _toolsByName = new Dictionary<string, AITool>(StringComparer.Ordinal);
        foreach (var tool in ((IEnumerable<AITool>?)_options.ChatOptions?.Tools ?? []).Concat(_options.Tools))
        {
            if (_toolsByName.TryAdd(tool.Name, tool))
            {
                _serverTools.Add(tool);
            }
        }
    }

    /// <summary>
    /// The run a server tool is being invoked for (its thread id, user, services, resume answers' idempotency keys), or
    /// <see langword="null"/> outside a tool invoked by this agent. Read it inside an <see cref="AIFunction"/>, as
    /// <see cref="FunctionInvokingChatClient.CurrentContext"/> gives the call.
    /// </summary>
    public static AgUiRun? CurrentRun => ModelRun.Current;

    /// <inheritdoc />
    public async ValueTask<AgentOutcome> RunAsync(AgUiRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var modelRun = ModelRun.Start(run, _options, name => _toolsByName.GetValueOrDefault(name));
        var client = _invokesFunctions
            ? _chatClient
            : new FunctionInvokingChatClient(_chatClient, run.Services.GetService<ILoggerFactory>(), run.Services);
        return await modelRun.StreamAsync(
            client.GetStreamingResponseAsync(modelRun.History, ChatOptionsFor(run.Input), cancellationToken),
            static (translator, update) => translator.OnUpdateAsync(update),
            _chatClient.GetService<ChatClientMetadata>()?.ProviderName,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The options of one run: a clone of the configured ones, with the server tools and the input's frontend tools.</summary>
    private ChatOptions ChatOptionsFor(RunAgentInput input)
    {
        var options = _options.ChatOptions?.Clone() ?? new ChatOptions();
        var tools = new List<AITool>(_serverTools.Count + (input.Tools?.Count ?? 0));
        tools.AddRange(_serverTools);
        ModelRun.DeclareFrontendTools(input, _toolsByName.ContainsKey, tools);
        options.Tools = tools.Count > 0 ? tools : null;
        return options;
    }
}
