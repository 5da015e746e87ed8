namespace AutomagikHello.AgUi.Input;

/// <summary>
/// One finding of <see cref="RunAgentInputReader"/>: why an input was rejected (codes in <see cref="InputErrorCodes"/>)
/// or what it changed while accepting it (codes in <see cref="InputWarningCodes"/>).
/// </summary>
public sealed class InputDiagnostic
{
    internal InputDiagnostic(string code, string path, string message)
    {
        Code = code;
        Path = path;
        Message = message;
    }

    /// <summary>A stable code from <see cref="InputErrorCodes"/> or <see cref="InputWarningCodes"/>.</summary>
    public string Code { get; }

    /// <summary>The JSON Pointer (RFC 6901) of the value concerned; empty for the whole document.</summary>
    public string Path { get; }

    /// <summary>A readable reason.</summary>
    public string Message { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Code} at '{Path}': {Message}";
}

/// <summary>The stable codes of a rejected input (<see cref="RunAgentInputReadResult.Error"/>).</summary>
public static class InputErrorCodes
{
    /// <summary>The body is not well-formed JSON.</summary>
    public const string MalformedJson = "MALFORMED_JSON";

    /// <summary>
    /// An object repeats a property name, exactly or differing only in case, at any depth (payloads and metadata too);
    /// the path is the repeat's.
    /// </summary>
    public const string DuplicateProperty = "DUPLICATE_PROPERTY";

    /// <summary>A property name differs from one the 1.0 schema defines for its object only in case (<c>"Status"</c>).</summary>
    public const string CaseVariantProperty = "CASE_VARIANT_PROPERTY";

    /// <summary>The body nests deeper than <see cref="RunAgentInputReaderOptions.MaxDepth"/>.</summary>
    public const string TooDeep = "INPUT_TOO_DEEP";

    /// <summary>The body is larger than <see cref="RunAgentInputReaderOptions.MaxBytes"/>.</summary>
    public const string TooLarge = "INPUT_TOO_LARGE";

    /// <summary>More messages than <see cref="RunAgentInputReaderOptions.MaxMessages"/>.</summary>
    public const string TooManyMessages = "TOO_MANY_MESSAGES";

    /// <summary>A required property is absent.</summary>
    public const string MissingProperty = "MISSING_PROPERTY";

    /// <summary>A property has the wrong JSON type.</summary>
    public const string WrongType = "WRONG_TYPE";

    /// <summary>A property has a value the schema does not allow (an unknown enum member or discriminator, an empty id).</summary>
    public const string InvalidValue = "INVALID_VALUE";

    /// <summary>A property the schema does not define, with <see cref="UnknownMemberHandling.Reject"/>.</summary>
    public const string UnknownProperty = "UNKNOWN_PROPERTY";

    /// <summary>A pre-1.0 shape, with <see cref="LegacyInputHandling.Reject"/>.</summary>
    public const string LegacyShape = "LEGACY_SHAPE";
}

/// <summary>The stable codes of <see cref="RunAgentInputReadResult.Warnings"/>.</summary>
public static class InputWarningCodes
{
    /// <summary>A property the schema does not define was dropped.</summary>
    public const string UnknownPropertyStripped = "UNKNOWN_PROPERTY_STRIPPED";

    /// <summary>An explicit <c>null</c> on an optional property was read as absent.</summary>
    public const string NullAsAbsent = "NULL_AS_ABSENT";

    /// <summary>A draft single <c>resume</c> object became a one-element array with status <c>resolved</c>.</summary>
    public const string LegacyResumeObject = "LEGACY_RESUME_OBJECT";

    /// <summary>A resume entry without <c>status</c> was read as <c>resolved</c>.</summary>
    public const string LegacyResumeStatus = "LEGACY_RESUME_STATUS";
}
