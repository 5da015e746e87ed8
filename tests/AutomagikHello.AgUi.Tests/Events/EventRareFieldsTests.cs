using System.Text.Json;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.Serialization;
using AutomagikHello.AgUi.Tests.Infrastructure;

namespace AutomagikHello.AgUi.Tests.Events;

/// <summary>
/// <c>timestamp</c>, <c>rawEvent</c> and <c>metadata</c>, which every event may carry and almost none does: an event
/// without them is not made bigger by them, and each one set alone (or all, or none) reads and writes back as it was.
/// </summary>
public sealed class EventRareFieldsTests
{
    private const string MessageId = "m1";
    private const string Delta = "Hello";

    [Fact]
    public void TextMessageContent_WithoutRareFields_AllocatesOnlyItsNarrowObject()
    {
        const int count = 1_000;
        var events = new AgUiEvent[count];
        Create(events); // JIT and type initialisation outside the measurement.

        var before = GC.GetAllocatedBytesForCurrentThread();
        Create(events);
        var perEvent = (GC.GetAllocatedBytesForCurrentThread() - before) / count;

        // Header and method table (16), the subagent id, message id and delta (24) and one reference for the rare
        // fields: 48 bytes. The three fields inline (long?, JsonElement?, JsonElement?) made it 104.
        perEvent.Should().BeLessThanOrEqualTo(56, "an event without timestamp, rawEvent or metadata carries no room for them");
        GC.KeepAlive(events);

        static void Create(AgUiEvent[] events)
        {
            for (var i = 0; i < events.Length; i++)
            {
                events[i] = new TextMessageContentEvent { MessageId = MessageId, Delta = Delta };
            }
        }
    }

    public static TheoryData<string> RareFieldCombinations() => new()
    {
        "{}",
        """{"timestamp":1732500000000}""",
        """{"rawEvent":{"provider":"openai","id":"evt_1"}}""",
        """{"rawEvent":"done"}""",
        """{"metadata":{"source":"text","trace":{"span":7}}}""",
        """{"timestamp":0,"metadata":{"source":"text"}}""",
        """{"timestamp":-5,"rawEvent":[1,2],"metadata":{"ag-ui":{"x":1}}}""",
    };

    [Theory]
    [MemberData(nameof(RareFieldCombinations))]
    public void TextMessageContent_RareFields_RoundTripExactly(string rareFields)
    {
        var json = JsonNode.Parse($$"""{"type":"TEXT_MESSAGE_CONTENT","messageId":"{{MessageId}}","delta":"{{Delta}}"}""")!.AsObject();
        var expected = JsonNode.Parse(rareFields)!.AsObject();
        foreach (var (name, value) in expected)
        {
            json[name] = value?.DeepClone();
        }

        var read = JsonSerializer.Deserialize(json.ToJsonString(), AgUiJsonContext.Default.AgUiEvent);

        var content = read.Should().BeOfType<TextMessageContentEvent>().Subject;
        content.MessageId.Should().Be(MessageId);
        content.Delta.Should().Be(Delta);
        content.Timestamp.Should().Be(expected["timestamp"]?.GetValue<long>());
        Text(content.RawEvent).Should().Be(expected["rawEvent"]?.ToJsonString());
        Text(content.Metadata).Should().Be(expected["metadata"]?.ToJsonString());
        JsonTrees.ShouldBeEquivalent(JsonSerializer.SerializeToNode(read!, AgUiJsonContext.Default.AgUiEvent), json, $"the event with {rareFields} written back");
    }

    [Fact]
    public void Event_RareFieldsSetInCode_AreEachKeptAndOthersStayUnset()
    {
        var metadata = JsonDocument.Parse("""{"source":"text"}""").RootElement.Clone();
        var onlyMetadata = new TextMessageEndEvent { MessageId = MessageId, Metadata = metadata };
        var onlyTimestamp = new TextMessageEndEvent { MessageId = MessageId, Timestamp = 42, RawEvent = null };
        var none = new TextMessageEndEvent { MessageId = MessageId, Timestamp = null, RawEvent = null, Metadata = null };

        onlyMetadata.Timestamp.Should().BeNull();
        onlyMetadata.RawEvent.Should().BeNull();
        Text(onlyMetadata.Metadata).Should().Be("""{"source":"text"}""");
        onlyTimestamp.Timestamp.Should().Be(42);
        onlyTimestamp.Metadata.Should().BeNull();
        none.Timestamp.Should().BeNull();
        JsonSerializer.SerializeToNode(none, AgUiJsonContext.Default.AgUiEvent)!.AsObject().Select(p => p.Key)
            .Should().BeEquivalentTo("type", "messageId");

        // Each event has its own: setting one event's fields leaves another's alone.
        var other = new TextMessageEndEvent { MessageId = MessageId, Timestamp = 7 };
        onlyTimestamp.Timestamp.Should().Be(42);
        other.Timestamp.Should().Be(7);
    }

    private static string? Text(JsonElement? element) => element?.GetRawText() is { } raw ? JsonNode.Parse(raw)!.ToJsonString() : null;
}
