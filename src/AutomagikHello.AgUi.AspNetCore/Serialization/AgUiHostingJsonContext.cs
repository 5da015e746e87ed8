using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// Source-generated JSON metadata for the hosting layer's own documents: problem details and the cancel answer.
/// (Protocol types, capabilities included, use <c>AgUiJson.Options</c>.)
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(AgUiProblemDetails))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(CancelRunResponse))]
[JsonSerializable(typeof(ThreadView))]
[JsonSerializable(typeof(DecisionRequest))]
[JsonSerializable(typeof(RunSummary))]
internal sealed partial class AgUiHostingJsonContext : JsonSerializerContext
{
    /// <summary>
    /// <see cref="Default"/> with relaxed escaping, for response bodies: <c>'</c> and <c>"</c> inside strings stay
    /// readable instead of becoming <c>\u0027</c> and <c>\u0022</c>. HTML-sensitive escaping protects HTML, and these
    /// bodies are served as JSON (as the SSE stream already is).
    /// </summary>
    public static AgUiHostingJsonContext Responses { get; } =
        new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            // As the attribute above; only the encoder differs. (The enums these documents hold carry their own
            // string converters, so UseStringEnumConverter has nothing to add here.)
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
}
