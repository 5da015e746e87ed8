using System.Net;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

/// <summary>The demo application, hosted in memory, on the in-memory thread store (never the demo's data folder).</summary>
public sealed class DemoTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    [Fact]
    public async Task Demo_OpenApiDocument_DescribesEveryAgentEndpoint()
    {
        using var client = factory.CreateClient();

        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;

        var paths = document["paths"]!.AsObject();
        foreach (var agent in new[] { "echo", "slow" })
        {
            var run = paths[$"/agents/{agent}"]!["post"]!;
            ((string?)run["operationId"]).Should().Be($"AgUiRun_agents_{agent}");
            ((string?)run["summary"]).Should().NotBeNullOrEmpty();
            run["tags"]!.AsArray().Select(t => (string?)t).Should().Equal($"/agents/{agent}");
            run["requestBody"]!["content"]!.AsObject().Select(c => c.Key).Should().Equal("application/json");
            run["responses"]!["200"]!["content"]!.AsObject().Select(c => c.Key).Should().Equal("text/event-stream");
            foreach (var status in new[] { "400", "406", "413", "415", "503" })
            {
                run["responses"]![status]!["content"]!.AsObject().Select(c => c.Key).Should().Equal("application/problem+json");
            }

            var cancel = paths[$"/agents/{agent}/threads/{{threadId}}/cancel"]!["post"]!;
            cancel["responses"]!.AsObject().Select(r => r.Key).Should().BeEquivalentTo("202", "404", "503");
            cancel["parameters"]!.AsArray().Select(p => (string?)p!["name"]).Should().Contain("threadId");
            var decide = paths[$"/agents/{agent}/threads/{{threadId}}/interrupts/{{interruptId}}"]!["post"]!;
            decide["requestBody"]!["content"]!.AsObject().Select(c => c.Key).Should().Equal("application/json");
            decide["responses"]!["415"]!["content"]!.AsObject().Select(c => c.Key).Should().Equal("application/problem+json");
            var resume = paths[$"/agents/{agent}/threads/{{threadId}}/resume"]!["post"]!;
            resume["responses"]!.AsObject().Select(r => r.Key).Should().BeEquivalentTo("200", "400", "403", "409", "413", "415", "422", "503");
            resume["responses"]!["409"]!["content"]!.AsObject().Select(c => c.Key).Should().Equal("application/problem+json");
            paths[$"/agents/{agent}/capabilities"]!["get"]!["responses"]!["200"]!["content"]!["application/json"].Should().NotBeNull();
        }
    }

    [Fact]
    public async Task Demo_EchoAgent_AnswersTheLastUserMessageWordByWord()
    {
        using var client = factory.CreateClient();

        var stream = await Sse.RunAsync(client, "/agents/echo", RunInputs.Json("t1", "r1", "hello brave new world"));

        stream.Types.Should().Equal("RUN_STARTED", "TEXT_MESSAGE_START",
            "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_CONTENT", "TEXT_MESSAGE_CONTENT",
            "TEXT_MESSAGE_END", "RUN_FINISHED");
        string.Concat(stream.Events.Where(e => (string)e["type"]! == "TEXT_MESSAGE_CONTENT").Select(e => (string)e["delta"]!))
            .Should().Be("hello brave new world");
        stream.Events.ShouldBeValidEvents();
    }

    [Fact]
    public async Task Demo_SlowAgent_StopsWithTheCancelledOutcomeWhenCancelled()
    {
        using var client = factory.CreateClient();
        var thread = RunInputs.NewThreadId();
        using var request = Sse.RunRequest("/agents/slow", RunInputs.Json(thread));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var seen = new List<string>();
        var cancelled = false;
        await foreach (var e in Sse.Parse(await response.Content.ReadAsStreamAsync()))
        {
            seen.Add((string)e["type"]!);
            if (!cancelled && seen.Count(t => t == "TEXT_MESSAGE_CONTENT") == 2)
            {
                cancelled = true;
                using var cancel = await client.PostAsync($"/agents/slow/threads/{thread}/cancel", null);
                cancel.StatusCode.Should().Be(HttpStatusCode.Accepted);
            }

            if (seen[^1] == "RUN_FINISHED")
            {
                ((string?)e["outcome"]!["type"]).Should().Be("cancelled");
            }
        }

        seen.Should().EndWith(["TEXT_MESSAGE_END", "STEP_FINISHED", "RUN_FINISHED"]);
        seen.Count(t => t == "TEXT_MESSAGE_CONTENT").Should().BeLessThan(10, "the answer was cut short");
    }

    [Fact]
    public async Task Demo_BenchAgent_SendsTheRequestedNumberOfEightCharacterDeltas()
    {
        using var client = factory.CreateClient();

        var stream = await Sse.RunAsync(client, "/agents/bench", RunInputs.Json(amend: input => input["forwardedProps"] = new JsonObject { ["deltas"] = 7 }));

        var deltas = stream.Events.Where(e => (string)e["type"]! == "TEXT_MESSAGE_CONTENT").Select(e => (string)e["delta"]!).ToList();
        deltas.Should().HaveCount(7).And.OnlyContain(d => d.Length == 8);
    }

    [Theory]
    [InlineData("/", "text/html")]
    [InlineData("/index.html", "text/html")]
    [InlineData("/js/app.js", "text/javascript")]
    [InlineData("/style.css", "text/css")]
    [InlineData("/agents.json", "application/json")]
    [InlineData("/swagger/index.html", "text/html")]
    [InlineData("/agents/echo/capabilities", "application/json")]
    public async Task Demo_Pages_AreServed(string path, string mediaType)
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be(mediaType);
    }

    [Fact]
    public async Task Demo_Page_IsTheStaticIndexWithItsModule_AndAMissingFileIsNotFound()
    {
        using var client = factory.CreateClient();

        var html = await client.GetStringAsync("/");
        using var missing = await client.GetAsync("/js/missing.js");

        html.Should().Contain("<script type=\"module\" src=\"js/app.js\"></script>");
        missing.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Demo_PageAgentList_NamesOnlyMappedAgents()
    {
        using var client = factory.CreateClient();

        var agents = JsonNode.Parse(await client.GetStringAsync("/agents.json"))!.AsArray().Select(a => (string)a!["id"]!).ToList();

        agents.Should().Contain(["echo", "slow", "approval", "approval-parallel", "form", "expiring"]).And.OnlyHaveUniqueItems();
        agents[0].Should().Be("assistant", "the Extensions.AI assistant is the page's first agent, selected by default");
        foreach (var agent in agents)
        {
            using var capabilities = await client.GetAsync($"/agents/{agent}/capabilities");
            capabilities.StatusCode.Should().Be(HttpStatusCode.OK, $"the page offers '{agent}', so the demo must map it");
        }

        using var unmapped = await client.GetAsync("/agents/not-an-agent/capabilities");
        unmapped.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}
