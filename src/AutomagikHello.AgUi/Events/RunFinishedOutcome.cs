using System.Text.Json.Serialization;

namespace AutomagikHello.AgUi;

/// <summary>How a run that did not fail ended: success, interrupt or cancelled (discriminated by <c>type</c>).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(SuccessOutcome), "success")]
[JsonDerivedType(typeof(InterruptOutcome), "interrupt")]
[JsonDerivedType(typeof(CancelledOutcome), "cancelled")]
public abstract class RunFinishedOutcome
{
    private protected RunFinishedOutcome()
    {
    }

    /// <summary>How the run ended: <see cref="RunEndKind.Success"/>, <see cref="RunEndKind.Interrupt"/> or <see cref="RunEndKind.Cancelled"/>.</summary>
    [JsonIgnore]
    public RunEndKind Kind => this switch
    {
        InterruptOutcome => RunEndKind.Interrupt,
        CancelledOutcome => RunEndKind.Cancelled,
        _ => RunEndKind.Success,
    };

    /// <summary>A success outcome naming no pending tool calls.</summary>
    public static SuccessOutcome Success { get; } = new();

    /// <summary>The cancelled outcome.</summary>
    public static CancelledOutcome Cancelled { get; } = new();
}

/// <summary><c>{"type":"success"}</c>: the run completed.</summary>
public sealed class SuccessOutcome : RunFinishedOutcome
{
    /// <summary>
    /// Frontend tool calls started in this run and not answered, in call order. Absent or empty means
    /// "none named", not "none pending".
    /// </summary>
    public IReadOnlyList<string>? PendingToolCallIds { get; init; }
}

/// <summary><c>{"type":"interrupt"}</c>: the run paused, waiting for answers to its interrupts.</summary>
public sealed class InterruptOutcome : RunFinishedOutcome
{
    /// <summary>At least one interrupt, each with an id unique within the run.</summary>
    public required IReadOnlyList<Interrupt> Interrupts { get; init; }
}

/// <summary><c>{"type":"cancelled"}</c>: the run was stopped on purpose; it waits for nothing.</summary>
public sealed class CancelledOutcome : RunFinishedOutcome
{
}
