using System.Text.Json;

namespace AutomagikHello.AgUi.Input;

/// <summary>
/// Reads a <see cref="RunAgentInput"/> strictly: every malformed known field is an <see cref="InputDiagnostic"/> with its
/// JSON Pointer; unknown members and legacy shapes are handled as <see cref="RunAgentInputReaderOptions"/> says.
/// Thread-safe; one instance can serve every request.
/// </summary>
public sealed class RunAgentInputReader
{
    private readonly RunAgentInputReaderOptions _options;
    private readonly JsonDocumentOptions _documentOptions;

    /// <summary>Creates a reader with the given options (defaults when <see langword="null"/>).</summary>
    public RunAgentInputReader(RunAgentInputReaderOptions? options = null)
    {
        _options = options ?? new RunAgentInputReaderOptions();
        // Repeated properties are the finder's to refuse (exact and case variants, with their path): the parser's own
        // check would be a second pass over every object for the exact ones only.
        _documentOptions = new JsonDocumentOptions { MaxDepth = RunAgentInputReaderOptions.MaxDepth };
    }

    /// <summary>
    /// Reads one UTF-8 JSON body. The returned input's JSON values (state, payloads, metadata) are copies: nothing of
    /// <paramref name="utf8Json"/> is kept, so its memory may be reused as soon as this returns.
    /// </summary>
    public RunAgentInputReadResult Read(ReadOnlyMemory<byte> utf8Json) => ReadCore(utf8Json, null, null);

    /// <summary>
    /// Reads one UTF-8 JSON body that may omit <c>threadId</c> and <c>runId</c> (an endpoint whose route names the
    /// thread): an omitted one takes the value given; a present one is read and checked as usual.
    /// </summary>
    /// <param name="utf8Json">The body; nothing of it is kept (its memory may be reused once this returns).</param>
    /// <param name="threadId">The thread id when the body has none.</param>
    /// <param name="runId">The run id when the body has none.</param>
    public RunAgentInputReadResult Read(ReadOnlyMemory<byte> utf8Json, string threadId, string runId)
    {
        ArgumentNullException.ThrowIfNull(threadId);
        ArgumentNullException.ThrowIfNull(runId);
        return ReadCore(utf8Json, threadId, runId);
    }

    private RunAgentInputReadResult ReadCore(ReadOnlyMemory<byte> utf8Json, string? threadId, string? runId)
    {
        var (input, error, warnings) = ReadDocument(utf8Json, static (parser, root, ids) => parser.ReadInput(root, ids.ThreadId, ids.RunId), (ThreadId: threadId, RunId: runId));
        return new RunAgentInputReadResult(input, error, warnings);
    }

    /// <summary>
    /// Reads one decision on the interrupt <paramref name="interruptId"/> (named elsewhere, e.g. in the URL):
    /// <c>{"status": "resolved" | "cancelled", "payload"?: any, "metadata"?: object, "reapprove"?: boolean}</c>, as
    /// strictly as <see cref="Read(ReadOnlyMemory{byte})"/> reads a whole input. The entry's JSON values are copies, as an input's are.
    /// </summary>
    public DecisionReadResult ReadDecision(ReadOnlyMemory<byte> utf8Json, string interruptId)
    {
        ArgumentNullException.ThrowIfNull(interruptId);
        var (decision, error, warnings) = ReadDocument(utf8Json, static (parser, root, id) => parser.ReadDecision(root, id), interruptId);
        return new DecisionReadResult(decision?.Entry, decision?.Reapprove ?? false, error, warnings);
    }

    // One strict path for every body: size, well-formed JSON within the depth, no repeated property (exact or in
    // case, at any depth), then the shape.
    private (T? Value, InputDiagnostic? Error, IReadOnlyList<InputDiagnostic> Warnings) ReadDocument<T, TState>(
        ReadOnlyMemory<byte> utf8Json, Func<RunAgentInputParser, JsonElement, TState, T> read, TState state)
        where T : class
    {
        if (utf8Json.Length > _options.MaxBytes)
        {
            return Failed<T>(InputErrorCodes.TooLarge, $"The body is {utf8Json.Length} bytes; the limit is {_options.MaxBytes}.");
        }

        JsonDocument document;
        try
        {
            // Disposed once read: the parser copies the values the input keeps (see RunAgentInputParser.Kept), so the
            // document's pooled buffer goes back to the pool and the input holds nothing of the body.
            document = JsonDocument.Parse(utf8Json, _documentOptions);
        }
        catch (JsonException ex)
        {
            if (ExceedsDepth(utf8Json.Span))
            {
                return Failed<T>(InputErrorCodes.TooDeep, $"The body nests deeper than {RunAgentInputReaderOptions.MaxDepth} levels.");
            }

            // Malformed, unless a repeated property came first: that is reported as such, as for a well-formed body.
            return FindDuplicate(utf8Json.Span) is { } repeated
                ? (null, repeated, [])
                : Failed<T>(InputErrorCodes.MalformedJson, $"The body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}): {FirstSentence(ex.Message)}");
        }

        using var parsed = document;
        var parser = new RunAgentInputParser(_options);
        try
        {
            // Exact repeats and case variants, at any depth.
            if (DuplicatePropertyFinder.Find(utf8Json.Span) is { } duplicate)
            {
                return (null, duplicate, []);
            }

            return (read(parser, document.RootElement, state), null, parser.Warnings);
        }
        catch (InputRejectedException rejected)
        {
            return (null, rejected.Error, parser.Warnings);
        }
        catch (InvalidOperationException ex) when (ex.InnerException is System.Text.DecoderFallbackException || ex.Message.Contains("UTF-8", StringComparison.Ordinal))
        {
            // JsonDocument defers UTF-8 validation of names and strings to the moment they are read.
            return Failed<T>(InputErrorCodes.MalformedJson, "The body is not valid UTF-8.");
        }
        finally
        {
            parser.Finish();
        }
    }

    private static InputDiagnostic? FindDuplicate(ReadOnlySpan<byte> json)
    {
        try
        {
            return DuplicatePropertyFinder.Find(json);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null; // malformed before any repeat
        }
    }

    private static (T? Value, InputDiagnostic? Error, IReadOnlyList<InputDiagnostic> Warnings) Failed<T>(string code, string message)
        where T : class =>
        (null, new InputDiagnostic(code, string.Empty, message), []);

    // Only on the error path: tell "too deep" apart from other malformed JSON.
    private static bool ExceedsDepth(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = int.MaxValue / 2 });
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth >= RunAgentInputReaderOptions.MaxDepth)
                {
                    return true;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed before the depth limit was reached.
        }

        return false;
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
