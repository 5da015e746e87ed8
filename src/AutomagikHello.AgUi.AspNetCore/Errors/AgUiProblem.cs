using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// An error answered before any stream opens, written as <c>application/problem+json</c> (RFC 9457) with the stable
/// <c>code</c> and, for input errors, the JSON Pointer <c>path</c> of the offending value: an
/// <see cref="AgUiProblemDetails"/>, the type the endpoints declare in OpenAPI. The status, title
/// and type come from <see cref="AgUiErrorTable"/>; the answer is written through the host's
/// <see cref="IProblemDetailsService"/>, so its <see cref="ProblemDetailsOptions.CustomizeProblemDetails"/> applies.
/// </summary>
internal sealed class AgUiProblem
{
    /// <summary>A problem for <paramref name="code"/>, with the status the table gives it unless <paramref name="status"/> is set.</summary>
    public AgUiProblem(string code, string detail, string? path = null, int? status = null)
    {
        Status = status ?? AgUiErrorTable.StatusOf(code);
        Code = code;
        Detail = detail;
        Path = path;
    }

    /// <summary>The thread store could not be reached (503); every endpoint answers it in these words.</summary>
    public static AgUiProblem StoreUnavailable { get; } =
        new(RunErrorCodes.StoreUnavailable, "The thread store is unavailable; the request was not carried out. Retry later.");

    public int Status { get; }

    public string Code { get; }

    public string Detail { get; }

    public string? Path { get; }

    public async Task WriteAsync(HttpContext context)
    {
        var (title, type) = AgUiErrorTable.Describe(Status);
        var problem = new AgUiProblemDetails
        {
            Type = type,
            Title = title,
            Status = Status,
            Detail = Detail,
            Instance = context.Request.Path.HasValue ? context.Request.Path.Value : null,
            Code = Code,
            Path = Path,
            TraceId = Activity.Current?.Id ?? context.TraceIdentifier,
        };

        var response = context.Response;
        response.StatusCode = Status;
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers.XContentTypeOptions = "nosniff"; // the body echoes request values (ids); never let it be sniffed as HTML

        var problemContext = new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem };
        var services = context.RequestServices;
        if (services.GetService<IProblemDetailsService>() is { } writers && await writers.TryWriteAsync(problemContext).ConfigureAwait(false))
        {
            return;
        }

        // No writer takes the request (its Accept names only text/event-stream, say): the answer is still problem+json,
        // customised as the host asked.
        services.GetService<IOptions<ProblemDetailsOptions>>()?.Value.CustomizeProblemDetails?.Invoke(problemContext);
        response.ContentType = "application/problem+json";
        await JsonSerializer.SerializeAsync(response.Body, problem, AgUiHostingJsonContext.Responses.AgUiProblemDetails, context.RequestAborted).ConfigureAwait(false);
    }
}
