using System.Text.Json;
using AutomagikHello.AgUi;

namespace AutomagikHello.Demo.Agents;

/// <summary>
/// The load-test agent: reads <c>forwardedProps.deltas</c> (default 100) and <c>forwardedProps.holdMs</c> (default 0);
/// after <c>RUN_STARTED</c> (already on the wire) it waits <c>holdMs</c>, then sends one text message of
/// <c>deltas</c> content events of 8 characters each.
/// </summary>
public sealed class BenchAgent : IAgUiAgent
{
    private const string Delta = "abcdefgh";

    public async ValueTask<AgentOutcome> RunAsync(AgUiRun run, CancellationToken cancellationToken)
    {
        var deltas = ReadInt(run, "deltas", 100);
        var holdMs = ReadInt(run, "holdMs", 0);
        if (holdMs > 0)
        {
            await Task.Delay(holdMs, cancellationToken);
        }

        var message = await run.StartTextMessageAsync();
        for (var i = 0; i < deltas; i++)
        {
            await message.AppendAsync(Delta);
        }

        await message.EndAsync();
        return AgentOutcome.Success();
    }

    private static int ReadInt(AgUiRun run, string name, int fallback) =>
        run.Input.ForwardedProps is { ValueKind: JsonValueKind.Object } props
        && props.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.Number
        && value.TryGetInt32(out var number)
        && number >= 0
            ? number
            : fallback;
}
