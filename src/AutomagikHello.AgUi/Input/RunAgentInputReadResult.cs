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

/// <summary>The outcome of reading one <see cref="ResumeEntry"/> sent on its own: the entry, or the first error; and the warnings.</summary>
public sealed class ResumeEntryReadResult
{
    internal ResumeEntryReadResult(ResumeEntry? entry, InputDiagnostic? error, IReadOnlyList<InputDiagnostic> warnings)
    {
        Entry = entry;
        Error = error;
        Warnings = warnings;
    }

    /// <summary>Whether the entry was read.</summary>
    [MemberNotNullWhen(true, nameof(Entry))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Entry is not null;

    /// <summary>The entry, when reading succeeded.</summary>
    public ResumeEntry? Entry { get; }

    /// <summary>The first error found, when reading failed.</summary>
    public InputDiagnostic? Error { get; }

    /// <summary>Stripped members and translations, in document order; log them.</summary>
    public IReadOnlyList<InputDiagnostic> Warnings { get; }
}
