using System.Buffers;
using System.Text.Json;
using AutomagikHello.AgUi.Threads;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// Declares in an agent's capabilities what a frontend needs to know about its interrupts. AG-UI 1.0's
/// <c>humanInTheLoop</c> group says that the agent interrupts; the rest has no 1.0 field, so it goes in the open
/// <c>custom</c> object under <c>interrupts</c>:
/// <c>{"reasons":[…],"resumeValidation":"strict"|"lenient","serverBoundApprovals":true}</c>. The agent declares its
/// reasons (<see cref="WithInterrupts"/>); the library adds what it enforces when it serves the document.
/// </summary>
public static class InterruptCapabilities
{
    /// <summary>The property of <see cref="AgentCapabilities.Custom"/> that describes the interrupts: <c>interrupts</c>.</summary>
    public const string CustomProperty = "interrupts";

    /// <summary>
    /// These capabilities, declaring that the agent ends runs with interrupts of the given reasons:
    /// <c>humanInTheLoop.supported</c> and <c>humanInTheLoop.interrupts</c> true, <c>approvals</c> and
    /// <c>approveWithEdits</c> true when <see cref="InterruptReasons.ToolCall"/> is among them (the library's tool
    /// approval accepts edited arguments), and <c>custom.interrupts.reasons</c>. Served at
    /// <c>GET {agent}/capabilities</c>, completed with <c>resumeValidation</c> (<see cref="AgUiRunnerOptions.ResumeValidation"/>)
    /// and <c>serverBoundApprovals</c>: an answer is joined with the interrupt and tool call the server recorded, so a
    /// client cannot approve a call other than the one it was shown.
    /// </summary>
    /// <param name="capabilities">The agent's other capabilities (kept as they are).</param>
    /// <param name="reasons">The reasons of the interrupts the agent raises, e.g. <see cref="InterruptReasons.ToolCall"/>.</param>
    /// <returns>New capabilities; <paramref name="capabilities"/> is not changed.</returns>
    public static AgentCapabilities WithInterrupts(this AgentCapabilities capabilities, params string[] reasons)
    {
        ArgumentNullException.ThrowIfNull(capabilities);
        ArgumentNullException.ThrowIfNull(reasons);
        if (reasons.Length == 0 || reasons.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Name at least one interrupt reason, none empty.", nameof(reasons));
        }

        var approvals = reasons.Contains(InterruptReasons.ToolCall, StringComparer.Ordinal);
        var declared = capabilities.HumanInTheLoop;
        return Copy(
            capabilities,
            capabilities.Transport,
            capabilities.Execution,
            new HumanInTheLoopCapabilities
            {
                Supported = true,
                Interrupts = true,
                Approvals = approvals ? true : declared?.Approvals,
                ApproveWithEdits = approvals ? true : declared?.ApproveWithEdits,
                Interventions = declared?.Interventions,
                Feedback = declared?.Feedback,
            },
            WithInterruptsProperty(capabilities.Custom, json =>
            {
                json.WriteStartArray("reasons");
                foreach (var reason in reasons.Distinct(StringComparer.Ordinal))
                {
                    json.WriteStringValue(reason);
                }

                json.WriteEndArray();
            }));
    }

    /// <summary>
    /// Adds what the library enforces to capabilities that declare interrupts (<c>humanInTheLoop.interrupts</c> true):
    /// <c>custom.interrupts.resumeValidation</c> and <c>serverBoundApprovals</c>. Others are returned as they are.
    /// </summary>
    internal static AgentCapabilities Complete(AgentCapabilities capabilities, AgUiOptions options)
    {
        if (capabilities.HumanInTheLoop?.Interrupts != true)
        {
            return capabilities;
        }

        return Copy(capabilities, capabilities.Transport, capabilities.Execution, capabilities.HumanInTheLoop, WithInterruptsProperty(capabilities.Custom, json =>
        {
            json.WriteString("resumeValidation", options.ResumeValidation == ResumeValidationMode.Lenient ? "lenient" : "strict");
            json.WriteBoolean("serverBoundApprovals", true);
        }));
    }

    /// <summary>
    /// <paramref name="custom"/> (an object, or none) with its <see cref="CustomProperty"/> object extended by what
    /// <paramref name="write"/> writes; properties written replace those of the same name, the others are kept.
    /// </summary>
    private static JsonElement WithInterruptsProperty(JsonElement? custom, Action<Utf8JsonWriter> write)
    {
        var added = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(added))
        {
            json.WriteStartObject();
            write(json);
            json.WriteEndObject();
        }

        using var addedDocument = JsonDocument.Parse(added.WrittenMemory);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            JsonElement? existing = null;
            if (custom is { ValueKind: JsonValueKind.Object } declared)
            {
                foreach (var property in declared.EnumerateObject())
                {
                    if (property.NameEquals(CustomProperty))
                    {
                        existing = property.Value;
                    }
                    else
                    {
                        property.WriteTo(json);
                    }
                }
            }

            json.WriteStartObject(CustomProperty);
            if (existing is { ValueKind: JsonValueKind.Object } kept)
            {
                foreach (var property in kept.EnumerateObject())
                {
                    if (!addedDocument.RootElement.TryGetProperty(property.Name, out _))
                    {
                        property.WriteTo(json);
                    }
                }
            }

            foreach (var property in addedDocument.RootElement.EnumerateObject())
            {
                property.WriteTo(json);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    /// <summary><paramref name="source"/> with the given groups instead of its own.</summary>
    internal static AgentCapabilities Copy(
        AgentCapabilities source, TransportCapabilities? transport, ExecutionCapabilities? execution, HumanInTheLoopCapabilities? humanInTheLoop, JsonElement? custom) => new()
    {
        Identity = source.Identity,
        Transport = transport,
        Tools = source.Tools,
        Output = source.Output,
        State = source.State,
        MultiAgent = source.MultiAgent,
        Reasoning = source.Reasoning,
        Multimodal = source.Multimodal,
        Execution = execution,
        HumanInTheLoop = humanInTheLoop,
        Custom = custom,
    };
}
