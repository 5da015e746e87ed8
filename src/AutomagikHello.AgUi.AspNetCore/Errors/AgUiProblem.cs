using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// An error answered before any stream opens, written as <c>application/problem+json</c> (RFC 9457) with the stable
/// <c>code</c> extension and, for input errors, the JSON Pointer <c>path</c> of the offending value.
/// </summary>
internal sealed class AgUiProblem
{
    public AgUiProblem(int status, string code, string detail, string? path = null)
    {
        Status = status;
        Code = code;
        Detail = detail;
        Path = path;
    }

    public int Status { get; }

    public string Code { get; }

    public string Detail { get; }

    public string? Path { get; }

    public async Task WriteAsync(HttpContext context)
    {
        var (title, type) = Describe(Status);
        var problem = new ProblemDetails
        {
            Type = type,
            Title = title,
            Status = Status,
            Detail = Detail,
            Instance = context.Request.Path.HasValue ? context.Request.Path.Value : null,
        };
        problem.Extensions["code"] = Code;
        if (Path is not null)
        {
            problem.Extensions["path"] = Path;
        }

        problem.Extensions["traceId"] = Activity.Current?.Id ?? context.TraceIdentifier;

        var response = context.Response;
        response.StatusCode = Status;
        response.ContentType = "application/problem+json";
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers.XContentTypeOptions = "nosniff"; // the body echoes request values (ids); never let it be sniffed as HTML
        await JsonSerializer.SerializeAsync(response.Body, problem, AgUiHostingJsonContext.Responses.ProblemDetails, context.RequestAborted).ConfigureAwait(false);
    }

    // The status's reason phrase and its RFC 9110 section, in one place so a status never gets one without the other.
    private static (string Title, string? Type) Describe(int status) => status switch
    {
        StatusCodes.Status400BadRequest => ("Bad Request", "https://tools.ietf.org/html/rfc9110#section-15.5.1"),
        StatusCodes.Status401Unauthorized => ("Unauthorized", "https://tools.ietf.org/html/rfc9110#section-15.5.2"),
        StatusCodes.Status403Forbidden => ("Forbidden", "https://tools.ietf.org/html/rfc9110#section-15.5.4"),
        StatusCodes.Status404NotFound => ("Not Found", "https://tools.ietf.org/html/rfc9110#section-15.5.5"),
        StatusCodes.Status406NotAcceptable => ("Not Acceptable", "https://tools.ietf.org/html/rfc9110#section-15.5.7"),
        StatusCodes.Status409Conflict => ("Conflict", "https://tools.ietf.org/html/rfc9110#section-15.5.10"),
        StatusCodes.Status412PreconditionFailed => ("Precondition Failed", "https://tools.ietf.org/html/rfc9110#section-15.5.13"),
        StatusCodes.Status413PayloadTooLarge => ("Content Too Large", "https://tools.ietf.org/html/rfc9110#section-15.5.14"),
        StatusCodes.Status415UnsupportedMediaType => ("Unsupported Media Type", "https://tools.ietf.org/html/rfc9110#section-15.5.16"),
        StatusCodes.Status422UnprocessableEntity => ("Unprocessable Content", "https://tools.ietf.org/html/rfc9110#section-15.5.21"),
        StatusCodes.Status503ServiceUnavailable => ("Service Unavailable", "https://tools.ietf.org/html/rfc9110#section-15.6.4"),
        _ => ("Error", null),
    };
}
