using System.Text.Json;

namespace AutomagikHello.AgUi;

/// <summary>
/// How an agent's run ended, returned by <see cref="IAgUiAgent.RunAsync"/>; the library turns it into the run's
/// <c>RUN_FINISHED</c> event. A failure is not an outcome: throw, and the run ends with <c>RUN_ERROR</c> (throw a
/// <see cref="RunErrorException"/> to choose its code).
/// </summary>
public sealed class AgentOutcome
{
    private AgentOutcome(RunEndKind kind, JsonElement? result, IReadOnlyList<Interrupt> interrupts, IReadOnlyList<TokenUsage>? usage)
    {
        Kind = kind;
        Result = result;
        Interrupts = interrupts;
        Usage = usage;
    }

    /// <summary>Which outcome this is: <see cref="RunEndKind.Success"/>, <see cref="RunEndKind.Interrupt"/> or <see cref="RunEndKind.Cancelled"/>.</summary>
    public RunEndKind Kind { get; }

    /// <summary>The run's return value (<c>RUN_FINISHED.result</c>) for a success; otherwise <see langword="null"/>.</summary>
    public JsonElement? Result { get; }

    /// <summary>The interrupts of an <see cref="RunEndKind.Interrupt"/> outcome; empty otherwise.</summary>
    public IReadOnlyList<Interrupt> Interrupts { get; }

    /// <summary>Token usage reported on <c>RUN_FINISHED</c>, one entry per provider and model.</summary>
    public IReadOnlyList<TokenUsage>? Usage { get; }

    /// <summary>
    /// The run completed. Frontend tool calls the run started and left unanswered are listed as
    /// <c>pendingToolCallIds</c> by the library.
    /// </summary>
    /// <param name="result">The run's return value (any JSON except <c>null</c>), or <see langword="null"/> for none.</param>
    /// <param name="usage">Token usage, or <see langword="null"/>.</param>
    /// <returns>The success outcome.</returns>
    public static AgentOutcome Success(JsonElement? result = null, IReadOnlyList<TokenUsage>? usage = null)
    {
        if (result is { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined })
        {
            result = null;
        }

        return new AgentOutcome(RunEndKind.Success, result, [], usage);
    }

    /// <summary>The run stops to ask: a later run on the same thread answers the interrupts with <c>resume</c> entries.</summary>
    /// <param name="interrupts">At least one interrupt, with ids unique within the run.</param>
    /// <returns>The interrupt outcome.</returns>
    /// <exception cref="ArgumentException">No interrupt, a <see langword="null"/> one, or two with one id.</exception>
    public static AgentOutcome Interrupt(params IReadOnlyList<Interrupt> interrupts) => Interrupt(interrupts, usage: null);

    /// <summary>The run stops to ask, reporting token usage.</summary>
    /// <param name="interrupts">At least one interrupt, with ids unique within the run.</param>
    /// <param name="usage">Token usage, or <see langword="null"/>.</param>
    /// <returns>The interrupt outcome.</returns>
    /// <exception cref="ArgumentException">No interrupt, a <see langword="null"/> one, or two with one id.</exception>
    public static AgentOutcome Interrupt(IReadOnlyList<Interrupt> interrupts, IReadOnlyList<TokenUsage>? usage)
    {
        ArgumentNullException.ThrowIfNull(interrupts);
        if (interrupts.Count == 0)
        {
            throw new ArgumentException("An interrupt outcome needs at least one interrupt.", nameof(interrupts));
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var interrupt in interrupts)
        {
            if (interrupt is null)
            {
                throw new ArgumentException("An interrupt outcome cannot hold a null interrupt.", nameof(interrupts));
            }

            if (!ids.Add(interrupt.Id))
            {
                throw new ArgumentException($"Two interrupts have the id '{interrupt.Id}'; ids must be unique within the run.", nameof(interrupts));
            }
        }

        return new AgentOutcome(RunEndKind.Interrupt, null, [.. interrupts], usage);
    }

    /// <summary>The run was stopped on purpose; it waits for nothing. Open items are closed first.</summary>
    /// <param name="usage">Token usage, or <see langword="null"/>.</param>
    /// <returns>The cancelled outcome.</returns>
    public static AgentOutcome Cancelled(IReadOnlyList<TokenUsage>? usage = null) =>
        usage is null ? CancelledWithoutUsage : new AgentOutcome(RunEndKind.Cancelled, null, [], usage);

    private static readonly AgentOutcome CancelledWithoutUsage = new(RunEndKind.Cancelled, null, [], null);
}
