using System.Net;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

public sealed class CapabilitiesTests
{
    private static ValueTask<AgentOutcome> Done(AgUiRun run, CancellationToken cancellationToken) => ValueTask.FromResult(AgentOutcome.Success());

    private static async Task<JsonObject> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    [Fact]
    public async Task Capabilities_Default_DeclareTheSseTransportOnly()
    {
        await using var host = await TestHost.StartAsync(Done);

        var capabilities = await GetAsync(host.Client, "/agents/test/capabilities");

        JsonNode.DeepEquals(capabilities, JsonNode.Parse("""
            {"transport":{"streaming":true,"websocket":false,"httpBinary":false,"pushNotifications":false,"resumable":false}}
            """)).Should().BeTrue(capabilities.ToJsonString());
    }

    [Fact]
    public async Task Capabilities_MaxRunDuration_IsDeclaredAsMaxExecutionTimeInMilliseconds()
    {
        await using var host = await TestHost.StartAsync(Done, options => options.MaxRunDuration = TimeSpan.FromSeconds(90));

        var capabilities = await GetAsync(host.Client, "/agents/test/capabilities");

        ((long?)capabilities["execution"]!["maxExecutionTime"]).Should().Be(90_000);
    }

    [Fact]
    public async Task Capabilities_FromOptions_AreServedAndCompletedWithTheTransport()
    {
        await using var host = await TestHost.StartAsync(Done, options => options.Capabilities = new AgentCapabilities
        {
            Identity = new IdentityCapabilities { Name = "helper", Version = "2.1" },
            MultiAgent = new MultiAgentCapabilities { Supported = true, Subagents = [new SubagentInfo { Name = "researcher" }] },
        });

        var capabilities = await GetAsync(host.Client, "/agents/test/capabilities");

        ((string?)capabilities["identity"]!["name"]).Should().Be("helper");
        ((bool?)capabilities["transport"]!["streaming"]).Should().BeTrue();
        ((string?)capabilities["multiAgent"]!["subagents"]![0]!["name"]).Should().Be("researcher");
        capabilities["multiAgent"]!.AsObject().ContainsKey("subAgents").Should().BeFalse("1.0 spells it subagents");
    }

    [Fact]
    public async Task Capabilities_DeclaredByOneAgent_ReplaceTheOptionsForThatAgentOnly()
    {
        await using var host = await TestHost.StartAsync(
            app =>
            {
                app.MapAgUi("/agents/plain", Done);
                app.MapAgUi("/agents/special", Done).WithCapabilities(new AgentCapabilities
                {
                    Identity = new IdentityCapabilities { Name = "special" },
                    Transport = new TransportCapabilities { Streaming = true },
                    HumanInTheLoop = new HumanInTheLoopCapabilities { Supported = true, Interrupts = true },
                });
            },
            options => options.Capabilities = new AgentCapabilities { Identity = new IdentityCapabilities { Name = "default" } });

        var plain = await GetAsync(host.Client, "/agents/plain/capabilities");
        var special = await GetAsync(host.Client, "/agents/special/capabilities");

        ((string?)plain["identity"]!["name"]).Should().Be("default");
        ((string?)special["identity"]!["name"]).Should().Be("special");
        JsonNode.DeepEquals(special["transport"], JsonNode.Parse("""{"streaming":true}""")).Should().BeTrue("a declared transport is kept as declared");
        ((bool?)special["humanInTheLoop"]!["interrupts"]).Should().BeTrue();
        plain.ContainsKey("humanInTheLoop").Should().BeFalse();
    }
}
