namespace AutomagikHello.AgUi.Input;

/// <summary>Unwinds the parser to <see cref="RunAgentInputReader.Read(ReadOnlyMemory{byte})"/> on the first error (error path only).</summary>
#pragma warning disable CA1064 // Never escapes the assembly: the reader turns it into an InputDiagnostic.
internal sealed class InputRejectedException(InputDiagnostic error) : Exception(error.Message)
#pragma warning restore CA1064
{
    public InputDiagnostic Error { get; } = error;
}
