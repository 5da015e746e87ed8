using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using AutomagikHello.AgUi.Input;

namespace AutomagikHello.AgUi.Tests.Input;

/// <summary>
/// The input keeps its JSON values, never the body they came from: a held run must not hold its request's bytes, and
/// the host may reuse the body's buffer (a pooled one) as soon as the read returns, while the agent reads its input
/// later and must see what was validated.
/// </summary>
public sealed class RunAgentInputReaderBodyLifetimeTests
{
    // Every kind of JSON value the input keeps as a JsonElement: state, forwardedProps, tool parameters and metadata,
    // message, content-part and tool-call metadata, an activity message's content, resume payload and metadata.
    private const string Body = """
        {"threadId":"t","runId":"r",
         "state":{"draft":{"city":"Lisbon","nights":3},"tags":["a","\u00e9"]},
         "forwardedProps":{"deltas":100,"holdMs":5},
         "tools":[{"name":"w","description":"d","parameters":{"type":"object","properties":{"city":{"type":"string"}}},"metadata":{"v":1}}],
         "messages":[
           {"id":"1","role":"user","content":[{"type":"text","text":"hi","metadata":{"m":"part"}}],"metadata":{"m":"user"}},
           {"id":"2","role":"assistant","toolCalls":[{"id":"c1","type":"function","function":{"name":"w","arguments":"{}"},"metadata":{"m":"call"}}]},
           {"id":"3","role":"activity","activityType":"search","content":{"hits":[1,2,3]}}],
         "resume":[{"interruptId":"i1","status":"resolved","payload":{"approved":true,"note":"ok"},"metadata":{"by":"x"}}]}
        """;

    [Fact]
    public void Read_BodyBufferReusedAfterRead_InputKeepsTheValuesItWasReadWith()
    {
        var body = Encoding.UTF8.GetBytes(Body);
        var input = new RunAgentInputReader().Read(body).Input!;
        var before = KeptValues(input);

        // The host hands the buffer back to its pool; the next request overwrites it.
        body.AsSpan().Fill((byte)' ');

        KeptValues(input).Should().Equal(before);
        before.Should().Equal(
            """{"draft":{"city":"Lisbon","nights":3},"tags":["a","\u00e9"]}""",
            """{"deltas":100,"holdMs":5}""",
            """{"type":"object","properties":{"city":{"type":"string"}}}""",
            """{"v":1}""",
            """{"m":"user"}""",
            """{"m":"part"}""",
            """{"m":"call"}""",
            """{"hits":[1,2,3]}""",
            """{"approved":true,"note":"ok"}""",
            """{"by":"x"}""");
        input.State!.Value.GetProperty("tags")[1].GetString().Should().Be("é");
    }

    [Fact]
    public void Read_InputAlive_BodyIsNotKeptAlive()
    {
        var (input, body) = ReadFromUnreferencedBody(Body);

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);

        body.IsAlive.Should().BeFalse("the input keeps copies of its JSON values, not the request body");
        KeptValues(input).Should().HaveCount(10);
    }

    [Fact]
    public void ReadDecision_BodyBufferReusedAfterRead_EntryKeepsItsPayloadAndMetadata()
    {
        var body = """{"status":"resolved","payload":{"approved":true},"metadata":{"by":"x"}}"""u8.ToArray();
        var decision = new RunAgentInputReader().ReadDecision(body, "int_1");

        body.AsSpan().Fill((byte)' ');

        decision.Entry!.Payload!.Value.GetRawText().Should().Be("""{"approved":true}""");
        decision.Entry.Metadata!.Value.GetRawText().Should().Be("""{"by":"x"}""");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (RunAgentInput Input, WeakReference Body) ReadFromUnreferencedBody(string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        return (new RunAgentInputReader().Read(body).Input!, new WeakReference(body));
    }

    private static List<string> KeptValues(RunAgentInput input)
    {
        var user = (UserMessage)input.Messages[0];
        var assistant = (AssistantMessage)input.Messages[1];
        var activity = (ActivityMessage)input.Messages[2];
        var tool = input.Tools!.Single();
        var resume = input.Resume!.Single();
        JsonElement[] kept =
        [
            input.State!.Value, input.ForwardedProps!.Value, tool.Parameters!.Value, tool.Metadata!.Value,
            user.Metadata!.Value, user.Content.Parts![0].Metadata!.Value, assistant.ToolCalls![0].Metadata!.Value, activity.Content,
            resume.Payload!.Value, resume.Metadata!.Value,
        ];
        return [.. kept.Select(e => e.GetRawText())];
    }
}
