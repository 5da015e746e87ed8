using System.Text.Json;
using AutomagikHello.AgUi.Input;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// The edge of a run request, before any stream opens: the response media type (406), the body's media type (415),
/// its size (413, from <c>Content-Length</c> and again while a chunked body is read), the memory held by bodies still
/// arriving (503, <see cref="AgUiOptions.MaxPendingRequestBodyBytes"/>) and the strict read of the
/// <see cref="RunAgentInput"/> (400 with the reader's code and JSON Pointer). Every refusal is an
/// <see cref="AgUiProblem"/>; nothing a client sends makes it throw.
/// </summary>
internal sealed class RunRequestReader
{
    private readonly RunAgentInputReader _reader;
    private readonly long _maxBytes;
    private readonly PendingBodyBudget _pendingBodies;
    private readonly ILogger _logger;

    public RunRequestReader(IOptions<AgUiOptions> options, ILogger<RunRequestReader> logger)
    {
        var value = options.Value;
        _maxBytes = value.MaxRequestBodyBytes;
        _pendingBodies = new PendingBodyBudget(value.MaxPendingRequestBodyBytes);
        _reader = new RunAgentInputReader(new RunAgentInputReaderOptions
        {
            MaxBytes = (int)Math.Min(value.MaxRequestBodyBytes, Array.MaxLength),
            MaxMessages = value.MaxMessages,
            UnknownMembers = value.UnknownMembers,
            LegacyInput = value.LegacyInput,
        });
        _logger = logger;
    }

    /// <summary>Checks that the client can read an event stream (406 otherwise).</summary>
    public AgUiProblem? CheckAccept(HttpRequest request) =>
        AcceptsEventStream(request)
            ? null
            : Refuse(AgUiErrorCodes.NotAcceptable, "The Accept header excludes text/event-stream, the only media type this endpoint produces.");

    /// <summary>Reads and validates the run input, or says why not.</summary>
    /// <param name="context">The request.</param>
    /// <param name="requireEventStream">Whether the client must accept <c>text/event-stream</c> (406 otherwise).</param>
    /// <param name="routeThreadId">
    /// The thread id of a route that names the thread (the resume endpoint): the body may then omit <c>threadId</c>
    /// (this is used) and <c>runId</c> (a new one is made).
    /// </param>
    /// <exception cref="OperationCanceledException">The client went away while sending the body.</exception>
    public async ValueTask<RunRequest> ReadAsync(HttpContext context, bool requireEventStream = true, string? routeThreadId = null)
    {
        if (requireEventStream && CheckAccept(context.Request) is { } notAcceptable)
        {
            return new RunRequest(null, notAcceptable);
        }

        var (body, problem) = await ReadJsonBodyAsync(context).ConfigureAwait(false);
        if (problem is not null)
        {
            return new RunRequest(null, problem);
        }

        // The input keeps copies of its JSON values, nothing of the body: the pooled chunks go back once it is read.
        using var received = body!;
        RunAgentInputReadResult read;
        try
        {
            var bytes = received.AsMemory();
            read = routeThreadId is null
                ? _reader.Read(bytes)
                : _reader.Read(bytes, routeThreadId, "run_" + Guid.NewGuid().ToString("N"));
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or OverflowException or JsonException)
        {
            // The reader reports malformed input as a result; this guards the edge should a malformed body still throw
            // (e.g. invalid UTF-8 inside a string), so a client can never cause a 500.
            return new RunRequest(null, Refuse(InputErrorCodes.MalformedJson, $"The body is not valid UTF-8 JSON: {ex.Message}"));
        }

        return new RunRequest(read.Input, Checked(read.Error, read.Warnings));
    }

    /// <summary>
    /// Reads the decision endpoint's body, a decision on <paramref name="interruptId"/>, with the same strict reader
    /// as a run input (415, 413, 503, then 400 with the reader's code and JSON Pointer).
    /// </summary>
    /// <exception cref="OperationCanceledException">The client went away while sending the body.</exception>
    public async ValueTask<(DecisionReadResult? Decision, AgUiProblem? Problem)> ReadDecisionAsync(HttpContext context, string interruptId)
    {
        var (body, problem) = await ReadJsonBodyAsync(context).ConfigureAwait(false);
        if (problem is not null)
        {
            return (null, problem);
        }

        using var received = body!;
        var read = _reader.ReadDecision(received.AsMemory(), interruptId);
        return (read, Checked(read.Error, read.Warnings));
    }

    // Logs the reader's warnings and turns its error, if any, into the refusal.
    private AgUiProblem? Checked(InputDiagnostic? error, IReadOnlyList<InputDiagnostic> warnings)
    {
        foreach (var warning in warnings)
        {
            RunLog.InputWarning(_logger, warning.Code, warning.Path, warning.Message);
        }

        if (error is null)
        {
            return null;
        }

        return Refuse(error.Code, error.Message, error.Path);
    }

    /// <summary>
    /// Reads a JSON body within the size limit: 415 when it is not <c>application/json</c>, 413 when too large. The
    /// body is the caller's to dispose (its chunks are pooled and counted against the pending-body budget until then).
    /// </summary>
    /// <exception cref="OperationCanceledException">The client went away while sending the body.</exception>
    private async ValueTask<(PooledBodyBuffer? Body, AgUiProblem? Problem)> ReadJsonBodyAsync(HttpContext context)
    {
        var request = context.Request;
        if (!IsJson(request.ContentType))
        {
            return (null, Refuse(AgUiErrorCodes.UnsupportedMediaType,
                "The body must be application/json (UTF-8)."));
        }

        if (request.ContentLength is { } declared && declared > _maxBytes)
        {
            return (null, TooLarge());
        }

        return await ReadBodyAsync(context).ConfigureAwait(false);
    }

    /// <summary>Whether the client asked for an event stream explicitly (the resume endpoint answers JSON otherwise).</summary>
    public static bool AsksForEventStream(HttpRequest request) =>
        MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var ranges)
        && ranges.Any(r => r.MediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase) && (r.Quality ?? 1.0) > 0);

    private async ValueTask<(PooledBodyBuffer? Body, AgUiProblem? Problem)> ReadBodyAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit)
        {
            // The server's own limit (Kestrel: 30 MB) yields to ours, so the option is the one that counts.
            sizeLimit.MaxRequestBodySize = _maxBytes;
        }

        // Pooled chunks rented as bytes arrive (a declared Content-Length reserves nothing), counted against the budget
        // of all bodies still arriving; they go back when the caller has read the body, or here on any refusal.
        var body = new PooledBodyBuffer(_pendingBodies);
        AgUiProblem? problem;
        try
        {
            problem = await ReceiveAsync(context, body).ConfigureAwait(false);
        }
        catch
        {
            body.Dispose();
            throw;
        }

        if (problem is null && context.Request.ContentLength is { } expected && body.Length != expected)
        {
            problem = Refuse(AgUiErrorCodes.MalformedRequest, "The request body is shorter than its Content-Length.");
        }

        if (problem is not null)
        {
            body.Dispose();
            return (null, problem);
        }

        return (body, null);
    }

    /// <summary>Appends the request body to <paramref name="body"/>; the refusal when it is too large or unreadable.</summary>
    private async ValueTask<AgUiProblem?> ReceiveAsync(HttpContext context, PooledBodyBuffer body)
    {
        var reader = context.Request.BodyReader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
                var buffer = result.Buffer;
                if (body.Length + buffer.Length > _maxBytes)
                {
                    reader.AdvanceTo(buffer.End);
                    return TooLarge();
                }

                var appended = body.TryAppend(buffer);
                reader.AdvanceTo(buffer.End);
                if (!appended)
                {
                    context.Response.Headers.RetryAfter = "1";
                    return Refuse(AgUiErrorCodes.BodyBuffersFull,
                        $"Request bodies still arriving hold {_pendingBodies.Held} bytes, the server's limit; nothing was read. Retry shortly.");
                }

                if (result.IsCompleted)
                {
                    return null;
                }
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }
        catch (BadHttpRequestException ex)
        {
            return Refuse(AgUiErrorCodes.MalformedRequest, $"The request body could not be read: {ex.Message}");
        }
    }

    private AgUiProblem TooLarge() => Refuse(InputErrorCodes.TooLarge,
        $"The request body exceeds the limit of {_maxBytes} bytes.");

    /// <summary>Logs and builds a refusal (its status is the code's, from <see cref="AgUiErrorTable"/>).</summary>
    public AgUiProblem Refuse(string code, string detail, string? path = null)
    {
        var problem = new AgUiProblem(code, detail, path);
        RunLog.RequestRejected(_logger, problem.Status, code, detail);
        return problem;
    }

    private static bool IsJson(string? contentType)
    {
        // What clients send (fetch, HttpClient, @ag-ui/client), answered without parsing a header object per request.
        if (string.Equals(contentType, "application/json", StringComparison.OrdinalIgnoreCase)
            || string.Equals(contentType, "application/json; charset=utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // RFC 9110 allows the parameter quoted: charset="utf-8".
        var charset = HeaderUtilities.RemoveQuotes(mediaType.Charset);
        return !charset.HasValue || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Whether <c>Accept</c> admits <c>text/event-stream</c>: absent or unparsable admits it; otherwise the most
    /// specific matching range (<c>text/event-stream</c>, then <c>text/*</c>, then <c>*/*</c>) must have q &gt; 0.
    /// </summary>
    private static bool AcceptsEventStream(HttpRequest request)
    {
        var accept = request.Headers.Accept;
        if (accept.Count == 1 && string.Equals(accept[0], "text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            return true; // the common single range, answered without parsing a list of header objects per request
        }

        if (accept.Count == 0 || !MediaTypeHeaderValue.TryParseList(accept, out var ranges) || ranges.Count == 0)
        {
            return true;
        }

        var bestSpecificity = -1;
        var bestQuality = 0.0;
        foreach (var range in ranges)
        {
            var specificity = Specificity(range);
            if (specificity > bestSpecificity)
            {
                bestSpecificity = specificity;
                bestQuality = range.Quality ?? 1.0;
            }
            else if (specificity == bestSpecificity)
            {
                bestQuality = Math.Max(bestQuality, range.Quality ?? 1.0);
            }
        }

        return bestSpecificity >= 0 && bestQuality > 0;
    }

    private static int Specificity(MediaTypeHeaderValue range)
    {
        if (range.MatchesAllTypes)
        {
            return 0;
        }

        if (!range.Type.Equals("text", StringComparison.OrdinalIgnoreCase))
        {
            return -1;
        }

        if (range.MatchesAllSubTypes)
        {
            return 1;
        }

        return range.SubType.Equals("event-stream", StringComparison.OrdinalIgnoreCase) ? 2 : -1;
    }
}

/// <summary>The result of reading a run request: the input, or the problem to answer with.</summary>
internal readonly record struct RunRequest(RunAgentInput? Input, AgUiProblem? Problem);
