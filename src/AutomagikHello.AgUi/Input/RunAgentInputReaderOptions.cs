namespace AutomagikHello.AgUi.Input;

/// <summary>Limits and policies of <see cref="RunAgentInputReader"/>.</summary>
public sealed class RunAgentInputReaderOptions
{
    /// <summary>The deepest nesting accepted anywhere in the body (the limit is fixed by the protocol design).</summary>
    public const int MaxDepth = 64;

    /// <summary>The largest body accepted, in bytes. Default 1 MiB.</summary>
    public int MaxBytes { get; set; } = 1024 * 1024;

    /// <summary>The most messages accepted in <see cref="RunAgentInput.Messages"/>. Default 1,000.</summary>
    public int MaxMessages { get; set; } = 1000;

    /// <summary>
    /// What to do with properties the 1.0 schema does not define. Default <see cref="UnknownMemberHandling.Strip"/>,
    /// as the protocol asks of producers (a warning is reported for each).
    /// </summary>
    public UnknownMemberHandling UnknownMembers { get; set; } = UnknownMemberHandling.Strip;

    /// <summary>
    /// What to do with pre-1.0 shapes (a single <c>resume</c> object, entries without <c>status</c>, explicit
    /// <c>null</c> on optional fields). Default <see cref="LegacyInputHandling.Translate"/>, with a warning each.
    /// </summary>
    public LegacyInputHandling LegacyInput { get; set; } = LegacyInputHandling.Translate;
}

/// <summary>How the reader treats properties the schema does not define.</summary>
public enum UnknownMemberHandling
{
    /// <summary>Drop them and report a warning (the protocol's tolerant-reader rule).</summary>
    Strip,

    /// <summary>Reject the input, as the schema's closed objects do.</summary>
    Reject,
}

/// <summary>How the reader treats pre-1.0 input shapes.</summary>
public enum LegacyInputHandling
{
    /// <summary>Translate them to 1.0 and report a warning for each.</summary>
    Translate,

    /// <summary>Reject them as malformed.</summary>
    Reject,
}
