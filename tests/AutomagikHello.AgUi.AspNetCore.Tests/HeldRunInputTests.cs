using System.Text.Json;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

/// <summary>
/// A run's input is read from pooled body chunks that go back to the pool as soon as the input is read; the agent of a
/// held run that reads its input late, after other requests have reused those chunks, must see what was validated.
/// </summary>
public sealed class HeldRunInputTests
{
    private const string Path = "/agents/test";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Run_AgentReadsItsInputAfterOtherRequestsReusedTheBodyBuffers_SeesTheInputItSent()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await TestHost.StartAsync(app => app.MapAgUi(Path, async (run, cancellationToken) =>
        {
            if (run.Input.ForwardedProps?.GetProperty("hold").GetBoolean() == true)
            {
                await release.Task.WaitAsync(cancellationToken);
            }

            return AgentOutcome.Success(Echo(run.Input));
        }));

        var held = Body(RunInputs.NewThreadId(), "held", hold: true);
        using var request = Sse.RunRequest(Path, held.ToJsonString());
        using var response = await host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var events = Sse.Parse(await response.Content.ReadAsStreamAsync()).GetAsyncEnumerator();
        (await events.MoveNextAsync()).Should().BeTrue();
        events.Current["type"]!.GetValue<string>().Should().Be("RUN_STARTED");

        // Other runs, of the same size with other values, take the pooled chunks the held run's body was read into.
        for (var i = 0; i < 32; i++)
        {
            var other = await Sse.RunAsync(host.Client, Path, Body(RunInputs.NewThreadId(), $"other{i:D2}", hold: false).ToJsonString());
            other.Types.Should().EndWith("RUN_FINISHED");
        }

        release.SetResult();
        JsonObject? finished = null;
        using var timeout = new CancellationTokenSource(Patience);
        while (await events.MoveNextAsync().AsTask().WaitAsync(timeout.Token))
        {
            finished = events.Current;
        }

        await events.DisposeAsync();
        finished!["type"]!.GetValue<string>().Should().Be("RUN_FINISHED");
        var seen = finished["result"]!.AsObject();
        JsonNode.DeepEquals(seen["state"], held["state"]).Should().BeTrue(seen.ToJsonString());
        JsonNode.DeepEquals(seen["forwardedProps"], held["forwardedProps"]).Should().BeTrue(seen.ToJsonString());
        JsonNode.DeepEquals(seen["parameters"], held["tools"]![0]!["parameters"]).Should().BeTrue(seen.ToJsonString());
        JsonNode.DeepEquals(seen["metadata"], held["messages"]![0]!["metadata"]).Should().BeTrue(seen.ToJsonString());
        seen["text"]!.GetValue<string>().Should().Be("held: find me a quiet hotel near the river");
    }

    private static JsonObject Body(string threadId, string marker, bool hold) => new()
    {
        ["threadId"] = threadId,
        ["runId"] = "r-" + marker,
        ["tools"] = new JsonArray(new JsonObject
        {
            ["name"] = "get_weather",
            ["description"] = "Get the weather.",
            ["parameters"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject { ["city"] = new JsonObject { ["type"] = "string", ["description"] = marker } },
            },
        }),
        ["forwardedProps"] = new JsonObject { ["hold"] = hold, ["marker"] = marker },
        ["state"] = new JsonObject { ["draft"] = new JsonObject { ["city"] = marker, ["nights"] = 3 }, ["step"] = "search" },
        ["messages"] = new JsonArray(new JsonObject
        {
            ["id"] = "m-" + marker,
            ["role"] = "user",
            ["content"] = marker + ": find me a quiet hotel near the river",
            ["metadata"] = new JsonObject { ["marker"] = marker },
        }),
    };

    private static JsonElement Echo(RunAgentInput input)
    {
        var user = (UserMessage)input.Messages[0];
        var echo = new JsonObject
        {
            ["state"] = JsonNode.Parse(input.State!.Value.GetRawText()),
            ["forwardedProps"] = JsonNode.Parse(input.ForwardedProps!.Value.GetRawText()),
            ["parameters"] = JsonNode.Parse(input.Tools![0].Parameters!.Value.GetRawText()),
            ["metadata"] = JsonNode.Parse(user.Metadata!.Value.GetRawText()),
            ["text"] = user.Content.Text,
        };
        return JsonDocument.Parse(echo.ToJsonString()).RootElement;
    }
}
