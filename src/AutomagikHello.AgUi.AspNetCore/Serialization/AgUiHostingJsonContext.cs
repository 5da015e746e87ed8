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
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(CancelRunResponse))]
[JsonSerializable(typeof(ThreadView))]
[JsonSerializable(typeof(DecisionRequest))]
[JsonSerializable(typeof(RunSummary))]
internal sealed partial class AgUiHostingJsonContext : JsonSerializerContext;
