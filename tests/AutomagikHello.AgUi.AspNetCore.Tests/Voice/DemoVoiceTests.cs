using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
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
}
