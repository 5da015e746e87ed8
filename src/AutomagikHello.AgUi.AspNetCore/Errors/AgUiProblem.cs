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
        var problem = new ProblemDetails
        {
            Type = TypeOf(Status),
            Title = TitleOf(Status),
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

    private static string TitleOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "Bad Request",
        StatusCodes.Status401Unauthorized => "Unauthorized",
        StatusCodes.Status409Conflict => "Conflict",
        StatusCodes.Status412PreconditionFailed => "Precondition Failed",
        StatusCodes.Status422UnprocessableEntity => "Unprocessable Content",
        StatusCodes.Status503ServiceUnavailable => "Service Unavailable",
        StatusCodes.Status404NotFound => "Not Found",
        StatusCodes.Status406NotAcceptable => "Not Acceptable",
        StatusCodes.Status413PayloadTooLarge => "Content Too Large",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported Media Type",
        _ => "Error",
    };

    private static string? TypeOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        StatusCodes.Status401Unauthorized => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        StatusCodes.Status409Conflict => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        StatusCodes.Status412PreconditionFailed => "https://tools.ietf.org/html/rfc9110#section-15.5.13",
        StatusCodes.Status422UnprocessableEntity => "https://tools.ietf.org/html/rfc9110#section-15.5.21",
        StatusCodes.Status503ServiceUnavailable => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        StatusCodes.Status404NotFound => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        StatusCodes.Status406NotAcceptable => "https://tools.ietf.org/html/rfc9110#section-15.5.7",
        StatusCodes.Status413PayloadTooLarge => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        StatusCodes.Status415UnsupportedMediaType => "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        _ => null,
    };
}
