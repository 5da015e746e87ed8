using Microsoft.AspNetCore.Mvc;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// The problem+json every AG-UI endpoint answers before a stream opens: RFC 9457 problem details with the stable
/// <see cref="Code"/>, the <see cref="Path"/> of an input error and the <see cref="TraceId"/>. Endpoints declare it as
/// their error response type, so OpenAPI documents list these members; a .NET client can read an answer into it.
/// </summary>
public sealed class AgUiProblemDetails : ProblemDetails
{
    /// <summary>The stable error code (such as <c>MALFORMED_JSON</c> or <c>RESUME_IN_DOUBT</c>); the table in docs/http-api.md lists them.</summary>
    public required string Code { get; init; }

    /// <summary>For input errors, the JSON Pointer of the offending value in the request body (<c>""</c> for the root).</summary>
    public string? Path { get; init; }

    /// <summary>The W3C trace id of the request (its Activity id), or the server's request id when no trace is active.</summary>
    public required string TraceId { get; init; }
}
