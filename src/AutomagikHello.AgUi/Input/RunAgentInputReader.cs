namespace AutomagikHello.AgUi.Input;

/// <summary>
/// Reads a <see cref="RunAgentInput"/> strictly: every malformed known field is an <see cref="InputError"/> with its
/// JSON Pointer; unknown members and legacy shapes are handled as <see cref="RunAgentInputReaderOptions"/> says.
/// Thread-safe; one instance can serve every request.
/// </summary>
public sealed class RunAgentInputReader
{
    private readonly RunAgentInputReaderOptions _options;

    /// <summary>Creates a reader with the given options (defaults when <see langword="null"/>).</summary>
    public RunAgentInputReader(RunAgentInputReaderOptions? options = null)
    {
        _options = options ?? new RunAgentInputReaderOptions();
    }

    /// <summary>Reads one UTF-8 JSON body. The returned input may reference <paramref name="utf8Json"/>'s memory.</summary>
    public RunAgentInputReadResult Read(ReadOnlyMemory<byte> utf8Json)
    {
        _ = _options;
        throw new NotImplementedException();
    }
}
