using System.Diagnostics.CodeAnalysis;

namespace AutomagikHello.AgUi.Input;

/// <summary>The outcome of reading one <see cref="RunAgentInput"/>: the input, or the first error; and the warnings.</summary>
public sealed class RunAgentInputReadResult
{
    internal RunAgentInputReadResult(RunAgentInput? input, InputDiagnostic? error, IReadOnlyList<InputDiagnostic> warnings)
    {
        Input = input;
        Error = error;
        Warnings = warnings;
    }

    /// <summary>Whether the input was read.</summary>
    [MemberNotNullWhen(true, nameof(Input))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Input is not null;

    /// <summary>The input, in 1.0 shape, when reading succeeded.</summary>
    public RunAgentInput? Input { get; }

    /// <summary>The first error found, when reading failed.</summary>
    public InputDiagnostic? Error { get; }

    /// <summary>Translations and stripped members, in document order; log them.</summary>
    public IReadOnlyList<InputDiagnostic> Warnings { get; }
}

/// <summary>
/// The outcome of reading one decision (<see cref="RunAgentInputReader.ReadDecision"/>): its resume entry and
/// re-approval flag, or the first error; and the warnings.
/// </summary>
public sealed class DecisionReadResult
{
    internal DecisionReadResult(ResumeEntry? entry, bool reapprove, InputDiagnostic? error, IReadOnlyList<InputDiagnostic> warnings)
    {
        Entry = entry;
        Reapprove = reapprove;
        Error = error;
        Warnings = warnings;
    }

    /// <summary>Whether the decision was read.</summary>
    [MemberNotNullWhen(true, nameof(Entry))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Entry is not null;

    /// <summary>The decision as a resume entry for its interrupt, when reading succeeded.</summary>
    public ResumeEntry? Entry { get; }

    /// <summary>The body's <c>reapprove</c> (absent is <see langword="false"/>): see <c>RecordDecisionRequest.Reapprove</c>.</summary>
    public bool Reapprove { get; }

    /// <summary>The first error found, when reading failed.</summary>
    public InputDiagnostic? Error { get; }

    /// <summary>Stripped members and translations, in document order; log them.</summary>
    public IReadOnlyList<InputDiagnostic> Warnings { get; }
}
