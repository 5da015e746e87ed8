using System.Text.Json;
using System.Text.Json.Serialization;
using AutomagikHello.AgUi.Serialization;
using AutomagikHello.AgUi.Tests.Infrastructure;

namespace AutomagikHello.AgUi.Tests.Fixtures;

/// <summary>
/// Events built in C# (<see cref="EventSamples"/>) and written through <c>AgUiJsonContext.Default.AgUiEvent</c> validate
/// against the root union and their own definition, and unset optional fields are absent, never <c>null</c>.
/// </summary>
public sealed class EventSerializationSchemaTests
{
    public static TheoryData<string> AllSamples() => Names(EventSamples.Full.Keys.Concat(EventSamples.Sparse.Keys));

    public static TheoryData<string> SparseSamples() => Names(EventSamples.Sparse.Keys);

    [Fact]
    public void EventSamples_EveryEventType_HasFullSample()
    {
        var covered = EventSamples.Full.Values.Select(e => e.EventType).ToHashSet();

        Enum.GetValues<AgUiEventType>().Where(t => !covered.Contains(t)).Should().BeEmpty("every event type needs a sample with its optional fields set");
        Enum.GetValues<AgUiEventType>().Should().HaveCount(31);
    }

    [Fact]
    public void EventSamples_EveryEventType_HasSparseSample()
    {
        var covered = EventSamples.Sparse.Values.Select(e => e.EventType).ToHashSet();

        Enum.GetValues<AgUiEventType>().Where(t => !covered.Contains(t)).Should().BeEmpty("every event type needs a sample with only required fields");
    }

    [Fact]
    public void EventSamples_RunFinished_CoverEveryOutcome()
    {
        var outcomes = EventSamples.Full.Values.OfType<RunFinishedEvent>().Select(e => e.Outcome?.GetType()).ToHashSet();

        outcomes.Should().Contain([typeof(SuccessOutcome), typeof(InterruptOutcome), typeof(CancelledOutcome)]);
        EventSamples.Full.Values.OfType<RunFinishedEvent>()
            .Select(e => e.Outcome).OfType<InterruptOutcome>()
            .Should().Contain(o => o.Interrupts.Count >= 2 && o.Interrupts.All(i => i.ResponseSchema != null));
    }

    [Fact]
    public void EventSamples_MessagesSnapshot_CoversEveryMessageRole()
    {
        var roles = typeof(Message).GetCustomAttributes(typeof(JsonDerivedTypeAttribute), inherit: false)
            .Cast<JsonDerivedTypeAttribute>()
            .Select(a => a.DerivedType)
            .ToList();
        var present = EventSamples.Full.Values.OfType<MessagesSnapshotEvent>().SelectMany(e => e.Messages).Select(m => m.GetType()).ToHashSet();

        roles.Should().HaveCount(7);
        roles.Where(r => !present.Contains(r)).Should().BeEmpty("a MESSAGES_SNAPSHOT sample must carry every message role");
    }

    [Theory]
    [MemberData(nameof(AllSamples))]
    public void EventSample_Serialized_ValidatesAgainstEventUnion(string name)
    {
        var utf8 = Serialize(EventSamples.Get(name));

        var verdict = AgUiSchema.Validate(utf8, "Event");

        verdict.IsValid.Should().BeTrue("sample {0} must satisfy schema.json#Event:{1}{2}{1}{3}", name, Environment.NewLine, verdict.Describe(), Show(utf8));
    }

    [Theory]
    [MemberData(nameof(AllSamples))]
    public void EventSample_Serialized_ValidatesAgainstOwnDefinition(string name)
    {
        var sample = EventSamples.Get(name);
        var utf8 = Serialize(sample);

        var verdict = AgUiSchema.Validate(utf8, sample.GetType().Name);

        verdict.IsValid.Should().BeTrue("sample {0} must satisfy schema.json#{1}:{2}{3}{2}{4}", name, sample.GetType().Name, Environment.NewLine, verdict.Describe(), Show(utf8));
    }

    [Theory]
    [MemberData(nameof(AllSamples))]
    public void EventSample_RoundTrip_ReadsBackEquivalent(string name)
    {
        var sample = EventSamples.Get(name);
        var written = JsonSerializer.SerializeToNode(sample, AgUiJsonContext.Default.AgUiEvent);

        var read = JsonSerializer.Deserialize(written!.ToJsonString(), AgUiJsonContext.Default.AgUiEvent);

        read.Should().BeOfType(sample.GetType());
        JsonTrees.ShouldBeEquivalent(JsonSerializer.SerializeToNode(read!, AgUiJsonContext.Default.AgUiEvent), written, $"sample {name} read back and written again");
    }

    [Theory]
    [MemberData(nameof(SparseSamples))]
    public void EventSample_UnsetOptionalFields_WritesNoNull(string name)
    {
        var written = JsonSerializer.SerializeToNode(EventSamples.Get(name), AgUiJsonContext.Default.AgUiEvent);

        JsonTrees.NullLocations(written).Should().BeEmpty("absent means absent: unset optional fields are omitted, never null, in{0}{1}", Environment.NewLine, JsonTrees.Show(written));
    }

    [Theory]
    [MemberData(nameof(SparseSamples))]
    public void EventSample_UnsetOptionalFields_WritesOnlyRequiredMembers(string name)
    {
        var sample = EventSamples.Get(name);
        var written = JsonSerializer.SerializeToNode(sample, AgUiJsonContext.Default.AgUiEvent)!.AsObject();
        var required = AgUiSchema.RequiredMembers(sample.GetType().Name);
        var optionalSetBySample = name switch
        {
            "ToolCallResult_SparseParts" or "RunStarted_SparseInput" or "RunFinished_SparseOutcomes" or "RunFinished_SparseSuccess"
                or "SubagentFinished_SparseSuspended" => OptionalMembersSetOn(sample),
            _ => [],
        };

        written.Select(p => p.Key).Should().BeEquivalentTo(required.Concat(optionalSetBySample).Distinct(),
            "only required members (and members the sample sets) are written for {0}:{1}{2}", name, Environment.NewLine, JsonTrees.Show(written));
    }

    [Fact]
    public void EventSerialization_Timestamp_IsWrittenAsInteger()
    {
        foreach (var timestamp in new[] { 0L, 1_732_500_000_000L, 9_007_199_254_740_991L, -9_007_199_254_740_991L })
        {
            var written = JsonSerializer.SerializeToNode(
                new TextMessageEndEvent { MessageId = "m1", Timestamp = timestamp }, AgUiJsonContext.Default.AgUiEvent)!;

            var node = written["timestamp"]!.AsValue();
            node.GetValueKind().Should().Be(JsonValueKind.Number);
            node.ToJsonString().Should().MatchRegex("^-?[0-9]+$", "timestamp {0} is an integer on the wire", timestamp);
            node.GetValue<long>().Should().Be(timestamp);
            AgUiSchema.Validate(written, "TextMessageEndEvent").IsValid.Should().BeTrue();
        }
    }

    [Fact]
    public void EventSerialization_TypeDiscriminator_IsWrittenFirst()
    {
        // Not required by the schema, but other consumers stream-parse on it; System.Text.Json writes it first.
        foreach (var (name, sample) in EventSamples.Full)
        {
            var written = JsonSerializer.SerializeToNode(sample, AgUiJsonContext.Default.AgUiEvent)!.AsObject();

            written.First().Key.Should().Be("type", "sample {0}", name);
        }
    }

    [Fact]
    public void EventSerialization_RequiredNullPayloads_AreWritten()
    {
        // Required JSON payloads that may be null are data, not "unset": CUSTOM.value, STATE_SNAPSHOT.snapshot, RAW.event.
        foreach (var (name, member) in new[] { ("Custom_ValueNull", "value"), ("StateSnapshot_Null", "snapshot"), ("Raw_EventNull", "event") })
        {
            var written = JsonSerializer.SerializeToNode(EventSamples.Get(name), AgUiJsonContext.Default.AgUiEvent)!.AsObject();

            written.ContainsKey(member).Should().BeTrue("{0} must write '{1}': null", name, member);
            written[member].Should().BeNull();
        }
    }

    private static byte[] Serialize(AgUiEvent sample) => JsonSerializer.SerializeToUtf8Bytes(sample, AgUiJsonContext.Default.AgUiEvent);

    private static string Show(byte[] utf8) => JsonTrees.Show(JsonTrees.Parse(utf8));

    private static List<string> OptionalMembersSetOn(AgUiEvent sample) => sample switch
    {
        ToolCallResultEvent => [],
        RunStartedEvent => ["input"],
        RunFinishedEvent r => [.. r.Outcome is null ? Array.Empty<string>() : ["outcome"], .. r.Usage is null ? Array.Empty<string>() : ["usage"]],
        SubagentFinishedEvent => ["outcome"],
        _ => [],
    };

    private static TheoryData<string> Names(IEnumerable<string> names)
    {
        var data = new TheoryData<string>();
        foreach (var name in names.Order(StringComparer.Ordinal))
        {
            data.Add(name);
        }

        return data;
    }
}
