using System.Text.Json;
using Microsoft.Extensions.AI;

namespace AutomagikHello.AgUi.Extensions.AI;

/// <summary>
/// One AG-UI run of a model, whatever API streams it (an <see cref="IChatClient"/>, an Agent Framework agent): the
/// conversation it is sent (the input's history with the resume's approvals rebuilt from the recorded calls), the
/// frontend tools it is offered, and the translation of its stream into events and an outcome. Each adapter only
/// calls its own API between <see cref="Start"/> and <see cref="StreamAsync"/>.
/// </summary>
internal sealed class ModelRun
{
    /// <summary>The message of a <see cref="ChatClientErrorCodes.ModelError"/>: the provider's own stays in the log.</summary>
    internal const string ModelErrorMessage = "The model could not answer. Try again later.";

    /// <summary>The run whose model is streaming in this flow (see <see cref="ChatClientAgUiAgent.CurrentRun"/>).</summary>
    private static readonly AsyncLocal<AgUiRun?> CurrentRun = new();

    private static readonly JsonElement EmptyParameters = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement;

    private readonly ChatUpdateTranslator _translator;

    private ModelRun(List<ChatMessage> history, ChatUpdateTranslator translator)
    {
        History = history;
        _translator = translator;
    }

    /// <summary>What the model is sent: instructions, context, the history, the approvals answered by this resume.</summary>
    public List<ChatMessage> History { get; }

    /// <summary>
    /// The run a server tool is being invoked for, or <see langword="null"/> outside a tool invoked by a model run.
    /// </summary>
    public static AgUiRun? Current => CurrentRun.Value;

    /// <summary>
    /// Builds the run's conversation and its translator, and makes <paramref name="run"/> the <see cref="Current"/>
    /// one. Call it from the adapter's async <c>RunAsync</c>: the value then flows into that run's tool invocations
    /// and does not leak to its caller.
    /// </summary>
    /// <param name="run">The run.</param>
    /// <param name="options">The adapter's options.</param>
    /// <param name="findTool">The server tool of a name (for an approval's schema of edits); <see langword="null"/> when unknown.</param>
    /// <exception cref="RunErrorException">The history cannot be given to a model (<see cref="ChatClientErrorCodes.InvalidHistory"/>).</exception>
    public static ModelRun Start(AgUiRun run, IModelInputOptions options, Func<string, AITool?> findTool)
    {
        CurrentRun.Value = run;
        var history = ChatHistoryBuilder.Build(run.Input, options);
        var answered = ToolApprovalBinding.Apply(history, run.Resume);
        var clock = run.Services.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System;
        var translator = new ChatUpdateTranslator(
            run,
            answered,
            findTool,
            options.ApprovalTimeToLive is { } ttl ? clock.GetUtcNow() + ttl : null);
        return new ModelRun(history, translator);
    }

    /// <summary>
    /// Adds the input's frontend tools to <paramref name="tools"/> as declarations the server does not run; a frontend
    /// tool named like a server tool is left out (the server's runs, and keeps its approval).
    /// </summary>
    public static void DeclareFrontendTools(RunAgentInput input, Func<string, bool> isServerTool, List<AITool> tools)
    {
        foreach (var tool in input.Tools ?? [])
        {
            if (!isServerTool(tool.Name))
            {
                tools.Add(AIFunctionFactory.CreateDeclaration(tool.Name, tool.Description, tool.Parameters ?? EmptyParameters));
            }
        }
    }

    /// <summary>
    /// Streams the model's updates into events as they arrive and returns the run's outcome: interrupt when approvals
    /// were asked, else success; cancelled when <paramref name="cancellationToken"/> stopped the stream. Any other
    /// failure of the stream is a <see cref="ChatClientErrorCodes.ModelError"/> (the exception stays in the log).
    /// </summary>
    /// <param name="updates">The model's stream.</param>
    /// <param name="translate">Emits one update through the translator.</param>
    /// <param name="provider">The provider's name, for the usage.</param>
    /// <param name="cancellationToken">The run's token.</param>
    public async ValueTask<AgentOutcome> StreamAsync<TUpdate>(
        IAsyncEnumerable<TUpdate> updates,
        Func<ChatUpdateTranslator, TUpdate, ValueTask> translate,
        string? provider,
        CancellationToken cancellationToken)
    {
        var enumerator = updates.GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                TUpdate update;
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    update = enumerator.Current;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return AgentOutcome.Cancelled(Usage(provider));
                }
                catch (Exception ex) when (ex is not RunErrorException)
                {
                    // An OperationCanceledException not caused by this run's token (an HTTP timeout) is the provider's failure too.
                    throw new RunErrorException(ChatClientErrorCodes.ModelError, ModelErrorMessage, ex);
                }

                await translate(_translator, update).ConfigureAwait(false);
            }
        }
        finally
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
        }

        await _translator.CloseOpenAsync().ConfigureAwait(false);
        return _translator.Interrupts.Count > 0
            ? AgentOutcome.Interrupt(_translator.Interrupts, Usage(provider))
            : AgentOutcome.Success(usage: Usage(provider));
    }

    private IReadOnlyList<TokenUsage>? Usage(string? provider) => _translator.Usage is { } usage
        ?
        [
            new TokenUsage
            {
                Provider = provider?.ToLowerInvariant(),
                Model = _translator.ModelId,
                InputTokens = usage.InputTokenCount,
                OutputTokens = usage.OutputTokenCount,
                TotalTokens = usage.TotalTokenCount,
                ReasoningTokens = usage.ReasoningTokenCount,
                CachedInputTokens = usage.CachedInputTokenCount,
            },
        ]
        : null;
}
