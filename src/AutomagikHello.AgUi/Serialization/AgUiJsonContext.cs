using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutomagikHello.AgUi.Serialization;

/// <summary>
/// Source-generated metadata for every protocol type: camelCase names, unset optional fields omitted,
/// discriminators accepted anywhere in an object (other producers do not always write <c>type</c> first).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true,
    RespectNullableAnnotations = true,
    AllowDuplicateProperties = false,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(AgUiEvent))]
[JsonSerializable(typeof(RunAgentInput))]
[JsonSerializable(typeof(Message))]
[JsonSerializable(typeof(IReadOnlyList<Message>))]
[JsonSerializable(typeof(ContentPart))]
[JsonSerializable(typeof(IReadOnlyList<ContentPart>))]
[JsonSerializable(typeof(PartSource))]
[JsonSerializable(typeof(Interrupt))]
[JsonSerializable(typeof(IReadOnlyList<Interrupt>))]
[JsonSerializable(typeof(ResumeEntry))]
[JsonSerializable(typeof(Tool))]
[JsonSerializable(typeof(Context))]
[JsonSerializable(typeof(RunFinishedOutcome))]
[JsonSerializable(typeof(AgentCapabilities))]
[JsonSerializable(typeof(ExecutionCapabilities))]
[JsonSerializable(typeof(MultiAgentCapabilities))]
[JsonSerializable(typeof(SubagentInfo))]
[JsonSerializable(typeof(TokenUsage))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class AgUiJsonContext : JsonSerializerContext;
