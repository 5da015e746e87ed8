using System.Buffers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.Serialization;
using AutomagikHello.AgUi.Streaming;

namespace AutomagikHello.AgUi.Tests.Streaming;

public sealed class SseEventWriterTests
{
    [Fact]
    public void WriteEvent_TextContent_WritesExactDataFrame()
    {
        var output = new ArrayBufferWriter<byte>();
        using var writer = new SseEventWriter(output);

        var written = writer.WriteEvent(new TextMessageContentEvent { MessageId = "m1", Delta = "Hello" });

        var expected = "data: {\"type\":\"TEXT_MESSAGE_CONTENT\",\"messageId\":\"m1\",\"delta\":\"Hello\"}\n\n"u8.ToArray();
        output.WrittenSpan.ToArray().Should().Equal(expected);
        written.Should().Be(expected.Length);
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(9_223_372_036_854_775_807L)]
    public void WriteFrame_OfWriteEventJson_IsTheDataFrameWithAnIdLineFirst(long id)
    {
        var events = new AgUiEvent[] { new TextMessageContentEvent { MessageId = "m1", Delta = "Hé\n" }, new StepStartedEvent { StepName = "s" } };
        foreach (var agUiEvent in events)
        {
            var plain = new ArrayBufferWriter<byte>();
            using (var writer = new SseEventWriter(plain))
            {
                writer.WriteEvent(agUiEvent);
            }

            var json = new ArrayBufferWriter<byte>();
            using var jsonWriter = new SseEventWriter(json);
            var jsonLength = jsonWriter.WriteEventJson(agUiEvent);
            jsonLength.Should().Be(json.WrittenCount);
            var framed = new ArrayBufferWriter<byte>();
            jsonWriter.Reset(framed);
            var frameLength = jsonWriter.WriteFrame(id, json.WrittenSpan);

            var expected = Encoding.UTF8.GetBytes($"id: {id}\n").Concat(plain.WrittenSpan.ToArray()).ToArray();
            framed.WrittenSpan.ToArray().Should().Equal(expected);
            frameLength.Should().Be(expected.Length);
        }
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(42L)]
    [InlineData(9_223_372_036_854_775_807L)]
    public void WriteEvent_WithId_IsWriteFrameOfWriteEventJson_AndTellsWhereTheJsonSits(long id)
    {
        var events = new AgUiEvent[] { new TextMessageContentEvent { MessageId = "m1", Delta = "Hé\n" }, new TextMessageEndEvent { MessageId = "m1" } };
        foreach (var agUiEvent in events)
        {
            var json = new ArrayBufferWriter<byte>();
            var expected = new ArrayBufferWriter<byte>();
            using (var reference = new SseEventWriter(json))
            {
                reference.WriteEventJson(agUiEvent);
                reference.Reset(expected);
                reference.WriteFrame(id, json.WrittenSpan);
            }

            // Written after another frame, as a batch is: the JSON's place is counted from this frame's start.
            var output = new ArrayBufferWriter<byte>();
            using var writer = new SseEventWriter(output);
            var before = writer.WriteHeartbeat();
            var written = writer.WriteEvent(id, agUiEvent, out var jsonStart, out var jsonLength);

            output.WrittenSpan[before..].ToArray().Should().Equal(expected.WrittenSpan.ToArray());
            written.Should().Be(expected.WrittenCount);
            output.WrittenSpan.Slice(before + jsonStart, jsonLength).ToArray().Should().Equal(json.WrittenSpan.ToArray());
        }
    }

    [Fact]
    public void WriteEvent_WithNegativeId_Throws()
    {
        using var writer = new SseEventWriter(new ArrayBufferWriter<byte>());
        FluentActions.Invoking(() => writer.WriteEvent(-1, new StepStartedEvent { StepName = "s" }, out _, out _)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void WriteFrame_NegativeId_Throws()
    {
        using var writer = new SseEventWriter(new ArrayBufferWriter<byte>());
        FluentActions.Invoking(() => writer.WriteFrame(-1, "{}"u8)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void WriteHeartbeat_Always_WritesPingComment()
    {
        var output = new ArrayBufferWriter<byte>();
        using var writer = new SseEventWriter(output);

        var written = writer.WriteHeartbeat();

        output.WrittenSpan.ToArray().Should().Equal(": ping\n\n"u8.ToArray());
        written.Should().Be(8);
    }

    [Fact]
    public void WriteEvent_SeveralEventsInOneBuffer_ParseAsSeparateSseEventsInOrder()
    {
        var output = new ArrayBufferWriter<byte>();
        using var writer = new SseEventWriter(output);
        var total = 0;
        total += writer.WriteEvent(new RunStartedEvent { ThreadId = "t1", RunId = "r1", ProtocolVersion = "1.0" });
        total += writer.WriteEvent(new TextMessageStartEvent { MessageId = "m1", Role = TextMessageRole.Assistant });
        total += writer.WriteHeartbeat();
        total += writer.WriteEvent(new TextMessageEndEvent { MessageId = "m1" });
        total += writer.WriteEvent(new RunFinishedEvent { ThreadId = "t1", RunId = "r1", Outcome = RunFinishedOutcome.Success });

        var items = Parse(output.WrittenSpan.ToArray());

        total.Should().Be(output.WrittenCount);
        items.Select(i => i["type"]!.GetValue<string>()).Should().Equal(
            "RUN_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_END", "RUN_FINISHED");
        items[0]["protocolVersion"]!.GetValue<string>().Should().Be("1.0");
        items[1]["role"]!.GetValue<string>().Should().Be("assistant");
        items[3]["outcome"]!["type"]!.GetValue<string>().Should().Be("success");
    }

    public static TheoryData<string> Outcomes() => ["success", "success-pending", "interrupt", "cancelled"];

    private static RunFinishedOutcome OutcomeNamed(string name) => name switch
    {
        "success" => RunFinishedOutcome.Success,
        "success-pending" => new SuccessOutcome { PendingToolCallIds = ["call_1", "call_2"] },
        "interrupt" => new InterruptOutcome { Interrupts = [new Interrupt { Id = "int_1", Reason = "tool_call", Message = "Approve?" }] },
        _ => RunFinishedOutcome.Cancelled,
    };

    [Theory]
    [MemberData(nameof(Outcomes))]
    public void WriteEvent_RunFinishedOutcome_IsThePolymorphicContractsOwnJsonAndReadsBack(string name)
    {
        var outcome = OutcomeNamed(name);
        var output = new ArrayBufferWriter<byte>();
        using var writer = new SseEventWriter(output);

        writer.WriteEvent(new RunFinishedEvent { ThreadId = "t1", RunId = "r1", Outcome = outcome });

        var contract = JsonSerializer.Serialize(outcome, AgUiJson.Options.GetTypeInfo(typeof(RunFinishedOutcome)));
        var frame = Encoding.UTF8.GetString(output.WrittenSpan);
        frame.Should().Be($"data: {{\"type\":\"RUN_FINISHED\",\"threadId\":\"t1\",\"runId\":\"r1\",\"outcome\":{contract}}}\n\n");
        var read = (RunFinishedEvent)JsonSerializer.Deserialize(frame["data: ".Length..].TrimEnd(), AgUiJson.Options.GetTypeInfo(typeof(AgUiEvent)))!;
        JsonSerializer.Serialize(read.Outcome, AgUiJson.Options.GetTypeInfo(typeof(RunFinishedOutcome))).Should().Be(contract);
        read.Outcome!.GetType().Should().Be(outcome.GetType());
    }

    [Theory]
    [InlineData("success")]
    [InlineData("cancelled")]
    public void WriteEvent_RunFinishedWithAPlainOutcome_AllocatesNothing(string name)
    {
        // Every plain run ends with one of these: as a nested polymorphic object it cost the serializer ~300 B a run.
        var finished = new RunFinishedEvent { ThreadId = "t1", RunId = "r1", Outcome = OutcomeNamed(name) };
        var output = new ArrayBufferWriter<byte>(4096);
        using var writer = new SseEventWriter(output);
        for (var i = 0; i < 3; i++)
        {
            output.ResetWrittenCount();
            writer.WriteEvent(finished);
        }

        output.ResetWrittenCount();
        var before = GC.GetAllocatedBytesForCurrentThread();
        writer.WriteEvent(finished);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().Be(0);
    }

    [Fact]
    public void WriteEvent_NonAsciiAndLineBreaks_StayOneLineAndRoundTrip()
    {
        const string delta = "héllo 👋 中文\nsecond line\r\nthird\u2028";
        var output = new ArrayBufferWriter<byte>();
        using var writer = new SseEventWriter(output);

        writer.WriteEvent(new TextMessageContentEvent { MessageId = "m1", Delta = delta });

        var bytes = output.WrittenSpan.ToArray();
        bytes.Count(b => b == (byte)'\n').Should().Be(2, "only the frame terminator may be a raw LF");
        bytes.Should().NotContain((byte)'\r');
        // BMP text stays UTF-8; characters outside the BMP are escaped as surrogate pairs by the encoder.
        Encoding.UTF8.GetString(bytes).Should().Contain("héllo ").And.Contain(" 中文");
        Parse(bytes).Single()["delta"]!.GetValue<string>().Should().Be(delta);
    }

    [Fact]
    public void WriteEvent_OneMegabyteDelta_WritesOneFrameThatParses()
    {
        var delta = new string('x', 1024 * 1024);
        var output = new ArrayBufferWriter<byte>();
        using var writer = new SseEventWriter(output);

        var written = writer.WriteEvent(new TextMessageContentEvent { MessageId = "big", Delta = delta });

        written.Should().Be(output.WrittenCount);
        written.Should().BeGreaterThan(1024 * 1024);
        var item = Parse(output.WrittenSpan.ToArray()).Single();
        item["delta"]!.GetValue<string>().Should().HaveLength(1024 * 1024);
    }

    [Fact]
    public void Reset_ToAnotherOutput_WritesThereOnly()
    {
        var first = new ArrayBufferWriter<byte>();
        var second = new ArrayBufferWriter<byte>();
        using var writer = new SseEventWriter(first);
        writer.WriteEvent(new StepStartedEvent { StepName = "a" });

        writer.Reset(second);
        writer.WriteEvent(new StepFinishedEvent { StepName = "a" });

        Parse(first.WrittenSpan.ToArray()).Single()["type"]!.GetValue<string>().Should().Be("STEP_STARTED");
        Parse(second.WrittenSpan.ToArray()).Single()["type"]!.GetValue<string>().Should().Be("STEP_FINISHED");
    }

    [Fact]
    public void WriteEvent_UnsetOptionalFields_AreAbsentNotNull()
    {
        var output = new ArrayBufferWriter<byte>();
        using var writer = new SseEventWriter(output);

        writer.WriteEvent(new ToolCallStartEvent { ToolCallId = "c1", ToolCallName = "search" });

        var json = Parse(output.WrittenSpan.ToArray()).Single().AsObject();
        json.Select(p => p.Key).Should().BeEquivalentTo("type", "toolCallId", "toolCallName");
    }

    [Fact]
    public void WriteEvent_Timestamp_IsWrittenAsInteger()
    {
        var output = new ArrayBufferWriter<byte>();
        using var writer = new SseEventWriter(output);

        writer.WriteEvent(new TextMessageEndEvent { MessageId = "m1", Timestamp = 1_764_000_000_123 });

        var timestamp = Parse(output.WrittenSpan.ToArray()).Single()["timestamp"]!;
        timestamp.GetValueKind().Should().Be(JsonValueKind.Number);
        timestamp.ToJsonString().Should().Be("1764000000123");
    }

    private static List<JsonNode> Parse(byte[] sse)
    {
        using var stream = new MemoryStream(sse);
        return SseParser.Create(stream).Enumerate()
            .Select(item => JsonNode.Parse(item.Data)!)
            .ToList();
    }
}
