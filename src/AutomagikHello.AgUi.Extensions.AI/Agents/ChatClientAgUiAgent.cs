using System.Text.Json;
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
    /// <summary>The message of a <see cref="ChatClientErrorCodes.ModelError"/>: the provider's own stays in the log.</summary>
    internal const string ModelErrorMessage = "The model could not answer. Try again later.";

    private static readonly AsyncLocal<AgUiRun?> Current = new();

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
        _serverTools = [.. _options.ChatOptions?.Tools ?? [], .. _options.Tools];
        _toolsByName = new Dictionary<string, AITool>(StringComparer.Ordinal);
        foreach (var tool in _serverTools)
        {
            _toolsByName.TryAdd(tool.Name, tool);
        }
    }

    /// <summary>
    /// The run a server tool is being invoked for (its thread id, user, services, resume answers' idempotency keys), or
    /// <see langword="null"/> outside a tool invoked by this agent. Read it inside an <see cref="AIFunction"/>, as
    /// <see cref="FunctionInvokingChatClient.CurrentContext"/> gives the call.
    /// </summary>
    public static AgUiRun? CurrentRun => Current.Value;

    /// <inheritdoc />
    public async ValueTask<AgentOutcome> RunAsync(AgUiRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        Current.Value = run; // flows into the tool invocations of this run only (an async method's changes do not leak to its caller)
        var history = ChatHistoryBuilder.Build(run.Input, _options);
        var answered = ToolApprovalBinding.Apply(history, run.Resume);
        var chatOptions = ChatOptionsFor(run.Input);
        var client = _invokesFunctions
            ? _chatClient
            : new FunctionInvokingChatClient(_chatClient, run.Services.GetService<ILoggerFactory>(), run.Services);
        var clock = run.Services.GetService<TimeProvider>() ?? TimeProvider.System;
        var translator = new ChatUpdateTranslator(
            run,
            answered,
            name => _toolsByName.GetValueOrDefault(name),
            _options.ApprovalTimeToLive is { } ttl ? clock.GetUtcNow() + ttl : null);

        var updates = client.GetStreamingResponseAsync(history, chatOptions, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                ChatResponseUpdate update;
                try
                {
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    update = updates.Current;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return AgentOutcome.Cancelled(Usage(translator));
                }
                catch (Exception ex) when (ex is not RunErrorException)
                {
                    // An OperationCanceledException not caused by this run's token (an HTTP timeout) is the provider's failure too.
                    throw new RunErrorException(ChatClientErrorCodes.ModelError, ModelErrorMessage, ex);
                }

                await translator.OnUpdateAsync(update).ConfigureAwait(false);
            }
        }
        finally
        {
            await updates.DisposeAsync().ConfigureAwait(false);
        }

        await translator.CloseOpenAsync().ConfigureAwait(false);
        return translator.Interrupts.Count > 0
            ? AgentOutcome.Interrupt(translator.Interrupts, Usage(translator))
            : AgentOutcome.Success(usage: Usage(translator));
    }

    /// <summary>The options of one run: a clone of the configured ones, with the server tools and the input's frontend tools.</summary>
    private ChatOptions ChatOptionsFor(RunAgentInput input)
    {
        var options = _options.ChatOptions?.Clone() ?? new ChatOptions();
        var tools = new List<AITool>(_serverTools.Count + (input.Tools?.Count ?? 0));
        tools.AddRange(_serverTools);
        foreach (var tool in input.Tools ?? [])
        {
            // A frontend tool may not shadow a server tool: the server's runs (and keeps its approval).
            if (!_toolsByName.ContainsKey(tool.Name))
            {
                tools.Add(AIFunctionFactory.CreateDeclaration(tool.Name, tool.Description, tool.Parameters ?? EmptyParameters));
            }
        }

        options.Tools = tools.Count > 0 ? tools : null;
        return options;
    }

    private static readonly JsonElement EmptyParameters = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement;

    private IReadOnlyList<TokenUsage>? Usage(ChatUpdateTranslator translator) => translator.Usage is { } usage
        ?
        [
            new TokenUsage
            {
                Provider = _chatClient.GetService<ChatClientMetadata>()?.ProviderName?.ToLowerInvariant(),
                Model = translator.ModelId,
                InputTokens = usage.InputTokenCount,
                OutputTokens = usage.OutputTokenCount,
                TotalTokens = usage.TotalTokenCount,
                ReasoningTokens = usage.ReasoningTokenCount,
                CachedInputTokens = usage.CachedInputTokenCount,
            },
        ]
        : null;
}
