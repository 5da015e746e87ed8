using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Mvc;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// The problem+json every AG-UI endpoint answers before a stream opens: RFC 9457 problem details with the stable
/// <see cref="Code"/>, the <see cref="Path"/> of an input error and the <see cref="TraceId"/>. Endpoints declare it as
/// their error response type, so OpenAPI documents list these members; a .NET client can read an answer into it.
/// </summary>
public sealed class AgUiProblemDetails : ProblemDetails
{
    private const string TraceIdKey = "traceId";

    private string _traceId = string.Empty;

    /// <summary>A problem whose <see cref="ProblemDetails.Extensions"/> route the <c>traceId</c> key to <see cref="TraceId"/>.</summary>
    public AgUiProblemDetails() => Extensions = new MemberRoutedExtensions(this);

    /// <summary>The stable error code (such as <c>MALFORMED_JSON</c> or <c>RESUME_IN_DOUBT</c>); the table in docs/http-api.md lists them.</summary>
    public required string Code { get; init; }

    /// <summary>For input errors, the JSON Pointer of the offending value in the request body (<c>""</c> for the root).</summary>
    public string? Path { get; init; }

    /// <summary>The W3C trace id of the request (its Activity id), or the server's request id when no trace is active.</summary>
    public required string TraceId
    {
        get => _traceId;
        init => _traceId = value;
    }

    /// <summary>
    /// ASP.NET Core's problem writer stamps <c>Extensions["traceId"]</c> on every problem it writes; this type carries
    /// the trace id as a member, so that key is routed to <see cref="TraceId"/> rather than written a second time.
    /// </summary>
    private sealed class MemberRoutedExtensions(AgUiProblemDetails owner) : Dictionary<string, object?>(StringComparer.Ordinal), IDictionary<string, object?>
    {
        object? IDictionary<string, object?>.this[string key]
        {
            get => key == TraceIdKey ? owner._traceId : this[key];
            set
            {
                if (key == TraceIdKey && value is string traceId)
                {
                    owner._traceId = traceId;
                }
                else
                {
                    this[key] = value;
                }
            }
        }

        void IDictionary<string, object?>.Add(string key, object? value) => ((IDictionary<string, object?>)this)[key] = value;

        bool IDictionary<string, object?>.ContainsKey(string key) => key == TraceIdKey || ContainsKey(key);

        bool IDictionary<string, object?>.TryGetValue(string key, [MaybeNullWhen(false)] out object? value)
        {
            if (key == TraceIdKey)
            {
                value = owner._traceId;
                return true;
            }

            return TryGetValue(key, out value);
        }
    }
}
