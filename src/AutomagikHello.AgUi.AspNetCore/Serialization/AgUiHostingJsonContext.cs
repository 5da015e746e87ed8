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
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(CancelRunResponse))]
internal sealed partial class AgUiHostingJsonContext : JsonSerializerContext;
