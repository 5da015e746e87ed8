using System.Text.Json.Serialization;
using AutomagikHello.Demo.Agents;

namespace AutomagikHello.Demo;

/// <summary>Source-generated JSON for the demo's own documents.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(EmailArguments))]
[JsonSerializable(typeof(IReadOnlyList<SentEmail>))]
[JsonSerializable(typeof(SentEmail))]
[JsonSerializable(typeof(VoiceForwardedProps))]
[JsonSerializable(typeof(VoiceInterruptContext))]
internal sealed partial class DemoJsonContext : JsonSerializerContext;
