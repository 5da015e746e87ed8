using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.EventLog;

namespace AutomagikHello.AgUi.Tests.EventLog;

public sealed class ThreadConversationTests
{
    private const string UserOnly = """{"messages":[{"id":"u1","role":"user","content":"hi"}],"state":{"n":1}}""";

    private static ThreadConversation Apply(string start, params string[] events)
    {
        var conversation = new ThreadConversation(Encoding.UTF8.GetBytes(start));
        foreach (var e in events)
        {
            conversation.Apply(Encoding.UTF8.GetBytes(e));
        }

        return conversation;
    }

    private static string Messages(ThreadConversation conversation) => conversation.Messages.ToJsonString();

    /// <summary>JSON written as <see cref="Messages"/> writes it (same escaping).</summary>
    private static string Normal(string json) => JsonNode.Parse(json)!.ToJsonString();

    [Fact]
    public void The_start_alone_is_its_messages_and_state()
    {
        var conversation = Apply(UserOnly);
        Messages(conversation).Should().Be("""[{"id":"u1","role":"user","content":"hi"}]""");
        conversation.State!.ToJsonString().Should().Be("""{"n":1}""");
        conversation.HasState.Should().BeTrue();
        Apply("""{"messages":[],"state":null}""").HasState.Should().BeFalse();
    }

    [Fact]
    public void Streamed_text_becomes_one_message_with_its_role()
    {
        var conversation = Apply(UserOnly,
            """{"type":"RUN_STARTED","threadId":"t","runId":"r"}""",
            """{"type":"TEXT_MESSAGE_START","messageId":"a1","role":"assistant"}""",
            """{"type":"TEXT_MESSAGE_CONTENT","messageId":"a1","delta":"Hel"}""",
            """{"type":"TEXT_MESSAGE_CONTENT","messageId":"a1","delta":"lo"}""",
            """{"type":"TEXT_MESSAGE_END","messageId":"a1"}""",
            """{"type":"RUN_FINISHED","threadId":"t","runId":"r"}""");
        conversation.Messages[1]!.ToJsonString().Should().Be("""{"id":"a1","role":"assistant","content":"Hello"}""");
    }

    [Fact]
    public void Text_chunks_begin_a_message_by_id_and_continue_the_last_without_one()
    {
        var conversation = Apply(UserOnly,
            """{"type":"TEXT_MESSAGE_CHUNK","messageId":"a1","delta":"one "}""",
            """{"type":"TEXT_MESSAGE_CHUNK","delta":"two"}""",
            """{"type":"TEXT_MESSAGE_CHUNK","messageId":"a2","role":"developer","delta":"x"}""");
        Messages(conversation).Should().Be("""[{"id":"u1","role":"user","content":"hi"},{"id":"a1","role":"assistant","content":"one two"},{"id":"a2","role":"developer","content":"x"}]""");
    }

    [Fact]
    public void Tool_calls_join_their_parent_message_with_their_arguments_and_results_follow()
    {
        var conversation = Apply(UserOnly,
            """{"type":"TEXT_MESSAGE_START","messageId":"a1","role":"assistant"}""",
            """{"type":"TEXT_MESSAGE_END","messageId":"a1"}""",
            """{"type":"TOOL_CALL_START","toolCallId":"c1","toolCallName":"send","parentMessageId":"a1"}""",
            """{"type":"TOOL_CALL_ARGS","toolCallId":"c1","delta":"{\"to\":"}""",
            """{"type":"TOOL_CALL_ARGS","toolCallId":"c1","delta":"\"bob\"}"}""",
            """{"type":"TOOL_CALL_END","toolCallId":"c1"}""",
            """{"type":"TOOL_CALL_START","toolCallId":"c2","toolCallName":"orphan"}""",
            """{"type":"TOOL_CALL_RESULT","messageId":"tr1","toolCallId":"c1","content":"sent"}""");
        var assistant = conversation.Messages[1]!.AsObject();
        var call = assistant["toolCalls"]!.AsArray().Single()!;
        ((string?)call["id"]).Should().Be("c1");
        ((string?)call["function"]!["name"]).Should().Be("send");
        ((string?)call["function"]!["arguments"]).Should().Be("{\"to\":\"bob\"}");
        conversation.Messages[2]!.ToJsonString().Should().Be("""{"id":"c2","role":"assistant","toolCalls":[{"id":"c2","type":"function","function":{"name":"orphan","arguments":""}}]}""");
        conversation.Messages[3]!.ToJsonString().Should().Be("""{"id":"tr1","role":"tool","toolCallId":"c1","content":"sent"}""");
    }

    [Fact]
    public void Tool_call_chunks_start_a_call_and_continue_the_last()
    {
        var conversation = Apply(UserOnly,
            """{"type":"TOOL_CALL_CHUNK","toolCallId":"c1","toolCallName":"f","delta":"{\"a\""}""",
            """{"type":"TOOL_CALL_CHUNK","delta":":1}"}""");
        conversation.Messages[1]!["toolCalls"]![0]!["function"]!["arguments"]!.GetValue<string>().Should().Be("{\"a\":1}");
    }

    [Fact]
    public void Reasoning_messages_are_kept_with_the_reasoning_role()
    {
        var conversation = Apply(UserOnly,
            """{"type":"REASONING_START","messageId":"g1"}""",
            """{"type":"REASONING_MESSAGE_START","messageId":"rm1","role":"reasoning"}""",
            """{"type":"REASONING_MESSAGE_CONTENT","messageId":"rm1","delta":"think"}""",
            """{"type":"REASONING_MESSAGE_END","messageId":"rm1"}""",
            """{"type":"REASONING_MESSAGE_CHUNK","messageId":"rm2","delta":"more"}""",
            """{"type":"REASONING_END","messageId":"g1"}""");
        Messages(conversation).Should().Be("""[{"id":"u1","role":"user","content":"hi"},{"id":"rm1","role":"reasoning","content":"think"},{"id":"rm2","role":"reasoning","content":"more"}]""");
    }

    [Fact]
    public void A_messages_snapshot_replaces_the_messages_and_later_events_build_on_it()
    {
        var conversation = Apply(UserOnly,
            """{"type":"TEXT_MESSAGE_CHUNK","messageId":"a1","delta":"gone"}""",
            """{"type":"MESSAGES_SNAPSHOT","messages":[{"id":"x","role":"assistant","content":"new "}]}""",
            """{"type":"TEXT_MESSAGE_CONTENT","messageId":"x","delta":"text"}""",
            """{"type":"TEXT_MESSAGE_CONTENT","messageId":"a1","delta":"ignored"}""");
        Messages(conversation).Should().Be("""[{"id":"x","role":"assistant","content":"new text"}]""");
    }

    [Fact]
    public void State_snapshots_replace_and_deltas_patch_and_a_bad_patch_changes_nothing()
    {
        var conversation = Apply(UserOnly,
            """{"type":"STATE_DELTA","delta":[{"op":"replace","path":"/n","value":2}]}""",
            """{"type":"STATE_DELTA","delta":[{"op":"remove","path":"/missing"}]}""");
        conversation.State!.ToJsonString().Should().Be("""{"n":2}""");
        conversation = Apply(UserOnly, """{"type":"STATE_SNAPSHOT","snapshot":{"m":[1]}}""", """{"type":"STATE_DELTA","delta":[{"op":"add","path":"/m/-","value":2}]}""");
        conversation.State!.ToJsonString().Should().Be("""{"m":[1,2]}""");

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            conversation.WriteStateSnapshot(writer);
        }

        Encoding.UTF8.GetString(buffer.WrittenSpan).Should().Be("""{"type":"STATE_SNAPSHOT","snapshot":{"m":[1,2]}}""");
    }

    [Fact]
    public void Activity_snapshots_add_or_replace_and_deltas_patch_their_content()
    {
        var conversation = Apply(UserOnly,
            """{"type":"ACTIVITY_SNAPSHOT","messageId":"ac1","activityType":"plan","content":{"steps":1}}""",
            """{"type":"ACTIVITY_DELTA","messageId":"ac1","activityType":"plan","patch":[{"op":"replace","path":"/steps","value":2}]}""",
            """{"type":"ACTIVITY_SNAPSHOT","messageId":"ac1","activityType":"plan","content":{"steps":9},"replace":false}""");
        conversation.Messages[1]!.ToJsonString().Should().Be("""{"id":"ac1","role":"activity","activityType":"plan","content":{"steps":2}}""");
    }

    [Fact]
    public void The_messages_snapshot_event_is_a_valid_event_and_junk_is_skipped()
    {
        var conversation = Apply(UserOnly, "not json", "[1]", """{"type":"STEP_STARTED","stepName":"s"}""", """{"no":"type"}""");
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            conversation.WriteMessagesSnapshot(writer);
        }

        var e = JsonNode.Parse(buffer.WrittenSpan)!.AsObject();
        ((string?)e["type"]).Should().Be("MESSAGES_SNAPSHOT");
        e["messages"]!.AsArray().Should().HaveCount(1);
        FluentActions.Invoking(() => new ThreadConversation("[]"u8)).Should().Throw<JsonException>();
    }
    [Fact]
    public void A_mixed_run_read_midway_ends_as_one_read_only_at_the_end()
    {
        string[] events =
        [
            """{"type":"RUN_STARTED","threadId":"t","runId":"r"}""",
            """{"type":"TEXT_MESSAGE_START","messageId":"a1","role":"assistant"}""",
            """{"type":"TEXT_MESSAGE_CONTENT","messageId":"a1","delta":"Let me "}""",
            """{"type":"TEXT_MESSAGE_CONTENT","messageId":"a1","delta":"check."}""",
            """{"type":"TEXT_MESSAGE_END","messageId":"a1"}""",
            """{"type":"TOOL_CALL_START","toolCallId":"c1","toolCallName":"send","parentMessageId":"a1"}""",
            """{"type":"TOOL_CALL_ARGS","toolCallId":"c1","delta":"{\"to\":"}""",
            """{"type":"TOOL_CALL_ARGS","toolCallId":"c1","delta":"\"bob\"}"}""",
            """{"type":"TOOL_CALL_END","toolCallId":"c1"}""",
            """{"type":"TOOL_CALL_CHUNK","toolCallId":"c2","toolCallName":"f","delta":"{\"a\""}""",
            """{"type":"TOOL_CALL_CHUNK","delta":":1}"}""",
            """{"type":"TOOL_CALL_RESULT","messageId":"tr1","toolCallId":"c1","content":"sent"}""",
            """{"type":"REASONING_MESSAGE_START","messageId":"rm1","role":"reasoning"}""",
            """{"type":"REASONING_MESSAGE_CONTENT","messageId":"rm1","delta":"hmm "}""",
            """{"type":"REASONING_MESSAGE_CHUNK","messageId":"rm1","delta":"ok"}""",
            """{"type":"TEXT_MESSAGE_CHUNK","messageId":"a2","delta":"will be "}""",
            """{"type":"TOOL_CALL_RESULT","messageId":"a2","toolCallId":"c2","content":"replaced"}""",
            """{"type":"TEXT_MESSAGE_CHUNK","delta":" and extended"}""",
            """{"type":"ACTIVITY_SNAPSHOT","messageId":"ac1","activityType":"plan","content":{"steps":1}}""",
            """{"type":"TEXT_MESSAGE_CONTENT","messageId":"ac1","delta":"text over an activity"}""",
            """{"type":"ACTIVITY_DELTA","messageId":"ac1","patch":[{"op":"add","path":"/x","value":1}]}""",
            """{"type":"ACTIVITY_SNAPSHOT","messageId":"ac1","activityType":"plan","content":{"steps":2}}""",
            """{"type":"TEXT_MESSAGE_CONTENT","messageId":"a1","delta":" more"}""",
            """{"type":"STATE_SNAPSHOT","snapshot":{"m":[1]}}""",
            """{"type":"MESSAGES_SNAPSHOT","messages":[{"id":"x","role":"assistant","content":"new ","toolCalls":[{"id":"k1","type":"function","function":{"name":"g","arguments":"{"}}]}]}""",
            """{"type":"TEXT_MESSAGE_CONTENT","messageId":"x","delta":"text"}""",
            """{"type":"TOOL_CALL_ARGS","toolCallId":"k1","delta":"}"}""",
            """{"type":"TEXT_MESSAGE_CONTENT","messageId":"a1","delta":"gone"}""",
            """{"type":"STATE_DELTA","delta":[{"op":"add","path":"/m/-","value":2}]}""",
            """{"type":"RUN_FINISHED","threadId":"t","runId":"r"}""",
        ];

        // Expected as the conversation was built before the builders (each delta copied the whole string).
        const string BeforeSnapshot = """[{"id":"u1","role":"user","content":"hi"},{"id":"a1","role":"assistant","content":"Let me check. more","toolCalls":[{"id":"c1","type":"function","function":{"name":"send","arguments":"{\"to\":\"bob\"}"}}]},{"id":"c2","role":"assistant","toolCalls":[{"id":"c2","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},{"id":"tr1","role":"tool","toolCallId":"c1","content":"sent"},{"id":"rm1","role":"reasoning","content":"hmm ok"},{"id":"a2","role":"assistant","content":"replaced and extended","toolCallId":"c2"},{"id":"ac1","role":"activity","activityType":"plan","content":{"steps":2}}]""";
        const string End = """[{"id":"x","role":"assistant","content":"new text","toolCalls":[{"id":"k1","type":"function","function":{"name":"g","arguments":"{}"}}]}]""";
        var snapshotAt = Array.FindIndex(events, e => e.Contains("MESSAGES_SNAPSHOT", StringComparison.Ordinal));

        var readOnce = Apply(UserOnly, events[..snapshotAt]);
        Messages(readOnce).Should().Be(Normal(BeforeSnapshot));
        readOnce = Apply(UserOnly, events);
        Messages(readOnce).Should().Be(Normal(End));
        readOnce.State!.ToJsonString().Should().Be("""{"m":[1,2]}""");

        // Reading after every event materialises the open builders each time; later deltas still land.
        var readEach = new ThreadConversation(Encoding.UTF8.GetBytes(UserOnly));
        for (var i = 0; i < events.Length; i++)
        {
            readEach.Apply(Encoding.UTF8.GetBytes(events[i]));
            _ = Messages(readEach);
            if (i == snapshotAt - 1)
            {
                Messages(readEach).Should().Be(Normal(BeforeSnapshot));
            }
        }

        Messages(readEach).Should().Be(Normal(End));
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            readEach.WriteMessagesSnapshot(writer);
        }

        JsonNode.Parse(buffer.WrittenSpan)!["messages"]!.ToJsonString().Should().Be(Normal(End));
    }

    [Fact]
    public void Many_small_deltas_allocate_in_proportion_to_their_count()
    {
        // 10,000 deltas of 4 characters: copying the whole content on each would allocate ~400 MB of strings.
        var deltas = Enumerable.Range(0, 10_000).Select(i => Encoding.UTF8.GetBytes($$"""{"type":"TEXT_MESSAGE_CONTENT","messageId":"a1","delta":"{{i % 10000:0000}}"}""")).ToArray();
        var args = Enumerable.Range(0, 10_000).Select(i => Encoding.UTF8.GetBytes($$"""{"type":"TOOL_CALL_ARGS","toolCallId":"c1","delta":"{{i % 10000:0000}}"}""")).ToArray();
        var conversation = Apply(UserOnly,
            """{"type":"TEXT_MESSAGE_START","messageId":"a1","role":"assistant"}""",
            """{"type":"TOOL_CALL_START","toolCallId":"c1","toolCallName":"f","parentMessageId":"a1"}""");

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < deltas.Length; i++)
        {
            conversation.Apply(deltas[i]);
            conversation.Apply(args[i]);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var message = conversation.Messages[1]!;

        ((string?)message["content"]).Should().HaveLength(40_000);
        ((string?)message["toolCalls"]![0]!["function"]!["arguments"]).Should().HaveLength(40_000).And.EndWith("9999");
        allocated.Should().BeLessThan(40_000_000, "each of the 20,000 deltas may allocate its parsed event (about 1 KB) but not a copy of the whole content");
    }
}
