using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using AutomagikHello.AgUi.Threads;
using Microsoft.AspNetCore.Hosting;
using AutomagikHello.Demo.Agents;

namespace AutomagikHello.AgUi.AspNetCore.Tests.Voice;

/// <summary>The demo itself serves the voice agent at /agents/voice, its threshold read from Demo:VoiceConfidenceThreshold.</summary>
public sealed class DemoVoiceTests(DemoFactory factory) : IClassFixture<DemoFactory>
{
    private const string Turn = """{"scenario":"low-confidence","transcript":"open the garage","confidence":0.8}""";

    [Fact]
    public async Task Demo_VoiceAgent_DefaultThreshold_TrustsConfidence08()
    {
        using var client = factory.CreateClient();

        var stream = await Sse.RunAsync(client, "/agents/voice", VoiceClient.Input(RunInputs.NewThreadId(), "r1", Turn));

        stream.Outcome().Should().Be("success");
        stream.Said().Should().Equal(VoiceAgent.Answer("open the garage"));
    }

    [Fact]
    public async Task Demo_VoiceAgent_ConfiguredThreshold_AsksAtConfidence08()
    {
        using var strict = factory.WithWebHostBuilder(builder => builder.UseSetting("Demo:VoiceConfidenceThreshold", "0.9"));
        using var client = strict.CreateClient();

        var stream = await Sse.RunAsync(client, "/agents/voice", VoiceClient.Input(RunInputs.NewThreadId(), "r1", Turn));

        stream.Outcome().Should().Be("interrupt");
    }

    [Theory]
    [InlineData("Development", null, HttpStatusCode.Forbidden)]
    [InlineData("Development", "caller", HttpStatusCode.Forbidden)]
    [InlineData("Development", "approver", HttpStatusCode.OK)]
    [InlineData("Production", "approver", HttpStatusCode.Forbidden)]
    public async Task Demo_PolicyHold_OnlyTheDevelopmentApproverHeaderResolvesIt(string environment, string? role, HttpStatusCode expected)
    {
        using var host = factory.WithWebHostBuilder(builder => builder.UseEnvironment(environment));
        using var client = host.CreateClient();
        var thread = RunInputs.NewThreadId();
        var held = await Sse.RunAsync(client, "/agents/voice", VoiceClient.Input(thread, "r1", """{"scenario":"policy-hold","transcript":"wire 100 euros to Bob"}"""));
        var id = (string)held.Last["outcome"]!["interrupts"]![0]!["id"]!;

        using var decide = new HttpRequestMessage(HttpMethod.Post, $"/agents/voice/threads/{thread}/interrupts/{id}")
        {
            Content = new StringContent("""{"status":"resolved","payload":{"approved":true}}""", Encoding.UTF8, "application/json"),
        };
        if (role is not null)
        {
            decide.Headers.Add("X-Demo-Role", role);
        }

        using var decided = await client.SendAsync(decide);
        var body = JsonNode.Parse(await decided.Content.ReadAsStringAsync())!;

        decided.StatusCode.Should().Be(expected, body.ToJsonString());
        if (expected == HttpStatusCode.OK)
        {
            ((string?)body["pendingInterrupts"]![0]!["decision"]!["status"]).Should().Be("resolved");
            var resumed = await Sse.RunAsync(client, "/agents/voice", $$"""{"threadId":"{{thread}}","runId":"r2","messages":[]}""");
            resumed.Said().Should().Equal("A supervisor approved it. Done: wire 100 euros to Bob.");
        }
        else
        {
            ((string?)body["code"]).Should().Be(ThreadErrorCodes.ApproverRequired);
            ((string?)body["title"]).Should().Be("Forbidden");
            ((string?)body["type"]).Should().Be("https://tools.ietf.org/html/rfc9110#section-15.5.4");
        }
    }
}
