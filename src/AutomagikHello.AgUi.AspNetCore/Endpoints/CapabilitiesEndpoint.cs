using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AutomagikHello.AgUi.Serialization;
using Microsoft.AspNetCore.Http;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// <c>GET {agent}/capabilities</c>: the agent's <see cref="AgentCapabilities"/> in the 1.0 shape — the agent's own
/// declaration, else <see cref="AgUiOptions.Capabilities"/>, completed with what the options determine: the
/// transport (SSE streaming; no WebSocket, binary transport or push notifications; resumable streams when the agent
/// has an event log, <see cref="AgUiEndpointConventionBuilder.WithEventLog"/>) unless
/// declared, and <c>execution.maxExecutionTime</c> from <see cref="AgUiRunnerOptions.MaxRunDuration"/>. Serialized once.
/// </summary>
internal sealed class CapabilitiesEndpoint(MappedAgent mapped, AgUiEndpointServices services)
{
    private byte[]? _document;

    public async Task HandleAsync(HttpContext context)
    {
        var document = _document ??= Serialize(Describe(mapped.Capabilities, services.Options, resumable: mapped.EventLog is not null));
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.Body.WriteAsync(document, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The document served for an agent's declaration under the given options (<paramref name="resumable"/>: it has an event log).</summary>
    public static AgentCapabilities Describe(AgentCapabilities? declared, AgUiOptions options, bool resumable = false)
    {
        var source = declared ?? options.Capabilities ?? new AgentCapabilities();
        var execution = source.Execution;
        if (options.MaxRunDuration is { } limit && execution?.MaxExecutionTime is null)
        {
            execution = new ExecutionCapabilities
            {
                CodeExecution = execution?.CodeExecution,
                Sandboxed = execution?.Sandboxed,
                MaxIterations = execution?.MaxIterations,
                MaxExecutionTime = (long)limit.TotalMilliseconds,
            };
        }

        var transport = source.Transport ?? new TransportCapabilities
        {
            Streaming = true,
            Websocket = false,
            HttpBinary = false,
            PushNotifications = false,
            Resumable = resumable,
        };
        return InterruptCapabilities.Complete(InterruptCapabilities.Copy(source, transport, execution, source.HumanInTheLoop, source.Custom), options);
    }

    private static byte[] Serialize(AgentCapabilities capabilities) =>
        JsonSerializer.SerializeToUtf8Bytes(capabilities, (JsonTypeInfo<AgentCapabilities>)AgUiJson.Options.GetTypeInfo(typeof(AgentCapabilities)));
}
