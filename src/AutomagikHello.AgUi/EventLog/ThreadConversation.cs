using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.Sequencing;

namespace AutomagikHello.AgUi.EventLog;

/// <summary>
/// A thread's conversation rebuilt from its latest run's log, for a reloaded page: the run's
/// <see cref="RunLogStart.Conversation"/> (the messages and state it began with), then each logged event applied in
/// order — text messages (streamed or chunked), tool calls with their arguments, tool results, reasoning messages,
/// activity messages, <c>MESSAGES_SNAPSHOT</c> (replaces the messages), <c>STATE_SNAPSHOT</c> and
/// <c>STATE_DELTA</c>. Other events (lifecycle, steps, custom, raw) change nothing. Host-neutral; not thread-safe.
/// </summary>
public sealed class ThreadConversation
{
    private readonly JsonPatchApplier _patches = new();
    private readonly Dictionary<string, JsonObject> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _toolCalls = new(StringComparer.Ordinal);

    // Text still streaming (a message's content, a call's arguments): kept in one builder per node and written to the
    // node when the messages are read, so a delta costs its own length rather than a copy of everything before it.
    private readonly Dictionary<JsonObject, (string Property, StringBuilder Text)> _streaming = new(ReferenceEqualityComparer.Instance);
    private JsonArray _messages = [];
    private JsonNode? _state;
    private bool _hasState;
    private JsonObject? _lastTextChunk;
    private string? _lastToolChunk;
    private JsonObject? _lastReasoningChunk;

    /// <summary>Starts from a run's conversation, <c>{"messages":[…],"state":…}</c> (see <see cref="RunLogStart.Conversation"/>).</summary>
    /// <exception cref="JsonException">The conversation is not such a JSON object.</exception>
    public ThreadConversation(ReadOnlySpan<byte> conversation)
    {
        var start = JsonNode.Parse(conversation) as JsonObject ?? throw new JsonException("The conversation is not a JSON object.");
        if (Take(start, "messages") is JsonArray messages)
        {
            Replace(messages);
        }

        if (Take(start, "state") is { } state)
        {
            _state = state;
            _hasState = true;
        }
    }

    /// <summary>The messages so far, as AG-UI 1.0 message objects.</summary>
    public JsonArray Messages
    {
        get
        {
            WriteStreamed();
            return _messages;
        }
    }

    /// <summary>The state so far; <see langword="null"/> when the run had none (or it is JSON null).</summary>
    public JsonNode? State => _state;

    /// <summary>Whether a state was given or set (a snapshot of it is worth sending).</summary>
    public bool HasState => _hasState;

    /// <summary>Applies one logged event (its JSON as sent); an event that is not a JSON object, or does not apply, is skipped.</summary>
    public void Apply(ReadOnlySpan<byte> eventJson)
    {
        JsonObject? e;
        try
        {
            e = JsonNode.Parse(eventJson) as JsonObject;
        }
        catch (JsonException)
        {
            return;
        }

        if (e is null || Text(e, "type") is not { } type)
        {
            return;
        }

        switch (type)
        {
            case "TEXT_MESSAGE_START":
                Message(Text(e, "messageId"), Text(e, "role") ?? "assistant", Text(e, "name"));
                break;
            case "TEXT_MESSAGE_CONTENT" or "REASONING_MESSAGE_CONTENT":
                Append(Find(Text(e, "messageId")), "content", Text(e, "delta"));
                break;
            case "TEXT_MESSAGE_CHUNK":
                _lastTextChunk = Text(e, "messageId") is { } textId ? Message(textId, Text(e, "role") ?? "assistant", Text(e, "name")) : _lastTextChunk;
                Append(_lastTextChunk, "content", Text(e, "delta"));
                break;
            case "REASONING_MESSAGE_START":
                Message(Text(e, "messageId"), "reasoning", null);
                break;
            case "REASONING_MESSAGE_CHUNK":
                _lastReasoningChunk = Text(e, "messageId") is { } reasoningId ? Message(reasoningId, "reasoning", null) : _lastReasoningChunk;
                Append(_lastReasoningChunk, "content", Text(e, "delta"));
                break;
            case "TOOL_CALL_START":
                ToolCall(Text(e, "toolCallId"), Text(e, "toolCallName"), Text(e, "parentMessageId"));
                break;
            case "TOOL_CALL_ARGS":
                AppendArguments(Text(e, "toolCallId"), Text(e, "delta"));
                break;
            case "TOOL_CALL_CHUNK":
                if (Text(e, "toolCallId") is { } chunkCallId)
                {
                    _lastToolChunk = chunkCallId;
                    if (!_toolCalls.ContainsKey(chunkCallId))
                    {
                        ToolCall(chunkCallId, Text(e, "toolCallName"), Text(e, "parentMessageId"));
                    }
                }

                AppendArguments(_lastToolChunk, Text(e, "delta"));
                break;
            case "TOOL_CALL_RESULT":
                if (Message(Text(e, "messageId"), Text(e, "role") ?? "tool", null) is { } result)
                {
                    WriteStreamed(result);
                    result["toolCallId"] = Text(e, "toolCallId");
                    result["content"] = Take(e, "content");
                }

                break;
            case "ACTIVITY_SNAPSHOT":
                Activity(e);
                break;
            case "ACTIVITY_DELTA":
                if (Find(Text(e, "messageId")) is { } activity && e["patch"] is { } activityPatch)
                {
                    // A patch that does not apply leaves the content as it was.
                    WriteStreamed(activity);
                    var content = activity["content"];
                    activity["content"] = null; // detached, so the patch may replace its root
                    _patches.TryApply(ref content, Element(activityPatch), requireObject: true);
                    activity["content"] = content;
                }

                break;
            case "MESSAGES_SNAPSHOT":
                if (Take(e, "messages") is JsonArray snapshot)
                {
                    Replace(snapshot);
                }

                break;
            case "STATE_SNAPSHOT":
                _state = Take(e, "snapshot");
                _hasState = true;
                break;
            case "STATE_DELTA":
                if (e["delta"] is { } delta)
                {
                    _patches.TryApply(ref _state, Element(delta));
                    _hasState = true;
                }

                break;
        }
    }

    /// <summary>Writes the messages as a <c>MESSAGES_SNAPSHOT</c> event.</summary>
    public void WriteMessagesSnapshot(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("type"u8, "MESSAGES_SNAPSHOT"u8);
        writer.WritePropertyName("messages"u8);
        Messages.WriteTo(writer);
        writer.WriteEndObject();
    }

    /// <summary>Writes the state as a <c>STATE_SNAPSHOT</c> event (JSON null when there is none).</summary>
    public void WriteStateSnapshot(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (!_hasState)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("type"u8, "STATE_SNAPSHOT"u8);
        writer.WritePropertyName("snapshot"u8);
        if (_state is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            _state.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    private static string? Text(JsonObject e, string name) =>
        e[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>The property's value detached from the parsed event, so it can join the conversation without a copy.</summary>
    private static JsonNode? Take(JsonObject e, string name)
    {
        if (!e.TryGetPropertyValue(name, out var node))
        {
            return null;
        }

        e.Remove(name);
        return node;
    }

    private static JsonElement Element(JsonNode node)
    {
        using var document = JsonDocument.Parse(node.ToJsonString());
        return document.RootElement.Clone();
    }

    private void Replace(JsonArray messages)
    {
        _messages = messages;
        _byId.Clear();
        _toolCalls.Clear();
        _streaming.Clear();
        foreach (var node in _messages)
        {
            if (node is not JsonObject message)
            {
                continue;
            }

            if (Text(message, "id") is { } id)
            {
                _byId[id] = message;
            }

            if (message["toolCalls"] is JsonArray calls)
            {
                foreach (var call in calls)
                {
                    if (call is JsonObject toolCall && Text(toolCall, "id") is { } callId)
                    {
                        _toolCalls[callId] = toolCall;
                    }
                }
            }
        }
    }

    private JsonObject? Find(string? id) => id is not null && _byId.TryGetValue(id, out var message) ? message : null;

    /// <summary>The message with <paramref name="id"/>, added with <paramref name="role"/> when new.</summary>
    private JsonObject? Message(string? id, string role, string? name)
    {
        if (id is null)
        {
            return null;
        }

        if (Find(id) is { } existing)
        {
            return existing;
        }

        var message = new JsonObject { ["id"] = id, ["role"] = role };
        if (name is not null)
        {
            message["name"] = name;
        }

        _messages.Add((JsonNode)message);
        _byId[id] = message;
        return message;
    }

    /// <summary>Appends to <paramref name="node"/>'s text <paramref name="property"/> (what was not text becomes text).</summary>
    private void Append(JsonObject? node, string property, string? delta)
    {
        if (node is null || string.IsNullOrEmpty(delta))
        {
            return;
        }

        if (!_streaming.TryGetValue(node, out var streaming))
        {
            streaming = (property, new StringBuilder(Text(node, property)));
            _streaming[node] = streaming;
            if (!node.ContainsKey(property))
            {
                node[property] = string.Empty; // its place among the properties is where the text began
            }
        }

        streaming.Text.Append(delta);
    }

    /// <summary>Writes the text streamed into <paramref name="node"/> to it, before the node is read or set directly.</summary>
    private void WriteStreamed(JsonObject node)
    {
        if (_streaming.Remove(node, out var streaming))
        {
            node[streaming.Property] = streaming.Text.ToString();
        }
    }

    private void WriteStreamed()
    {
        foreach (var (node, streaming) in _streaming)
        {
            node[streaming.Property] = streaming.Text.ToString();
        }

        _streaming.Clear();
    }

    private void ToolCall(string? toolCallId, string? name, string? parentMessageId)
    {
        if (toolCallId is null || _toolCalls.ContainsKey(toolCallId))
        {
            return;
        }

        // The call joins its parent assistant message (the text it followed), or one of its own.
        var parent = Find(parentMessageId) is { } found && Text(found, "role") == "assistant" ? found : Message(parentMessageId ?? toolCallId, "assistant", null)!;
        if (parent["toolCalls"] is not JsonArray calls)
        {
            calls = [];
            parent["toolCalls"] = calls;
        }

        var call = new JsonObject
        {
            ["id"] = toolCallId,
            ["type"] = "function",
            ["function"] = new JsonObject { ["name"] = name ?? string.Empty, ["arguments"] = string.Empty },
        };
        calls.Add((JsonNode)call);
        _toolCalls[toolCallId] = call;
    }

    private void AppendArguments(string? toolCallId, string? delta)
    {
        if (toolCallId is null || string.IsNullOrEmpty(delta) || !_toolCalls.TryGetValue(toolCallId, out var call) || call["function"] is not JsonObject function)
        {
            return;
        }

        Append(function, "arguments", delta);
    }

    private void Activity(JsonObject e)
    {
        if (Text(e, "messageId") is not { } id)
        {
            return;
        }

        var replace = e["replace"] is JsonValue value && value.TryGetValue<bool>(out var flag) ? flag : true;
        if (Find(id) is { } existing)
        {
            if (replace)
            {
                WriteStreamed(existing);
                existing["activityType"] = Text(e, "activityType");
                existing["content"] = Take(e, "content");
            }

            return;
        }

        var activity = Message(id, "activity", null)!;
        activity["activityType"] = Text(e, "activityType");
        activity["content"] = Take(e, "content");
    }
}
