using System.Buffers;
using System.Text;
using System.Text.Json;

namespace AutomagikHello.AgUi.LoadClient;

/// <summary>
/// One conversation as the official <c>@ag-ui/client</c> <c>HttpAgent</c> keeps it: a thread id kept across runs and the
/// messages so far. Each run posts what its <c>prepareRunAgentInput</c> builds, in its order: <c>threadId</c>, a UUID
/// <c>runId</c>, <c>protocolVersion</c>, <c>tools</c>, <c>context</c>, <c>forwardedProps</c>, <c>state</c>,
/// <c>messages</c> (the history, then the new user message). The answer the run streamed is added to the history under
/// the message id the server gave it, so the next run carries it, as a chat's does.
/// </summary>
/// <remarks>
/// The history is a window of the last <see cref="HistoryWindow"/> messages (a chat app trimming its context): over the
/// hundreds of runs a worker makes, a full history would grow each body without bound and measure JSON parsing rather
/// than the server. With 100-event answers (800 characters each) a body settles at about 4.1 KB.
/// </remarks>
internal sealed class Chat(string threadId)
{
    public const int HistoryWindow = 6;

    // Two tools with JSON Schema parameters and two context entries, as a CopilotKit page registers them.
    private static readonly byte[] Tools = """
        [{"name":"get_weather","description":"Get the current weather for a city.","parameters":{"type":"object","properties":{"city":{"type":"string","description":"The city name, e.g. Lisbon"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city"]}},{"name":"confirm_booking","description":"Ask the user to confirm a booking before it is made.","parameters":{"type":"object","properties":{"hotel":{"type":"string"},"nights":{"type":"integer","minimum":1},"notes":{"type":"string"}},"required":["hotel","nights"]}}]
        """u8.ToArray();

    private static readonly byte[] Context = """
        [{"description":"The user's locale and time zone","value":"en-GB, Europe/Lisbon"},{"description":"The page the user is on","value":"/bookings/upcoming"}]
        """u8.ToArray();

    private static readonly byte[] State = """
        {"draft":{"city":"Lisbon","nights":3,"guests":2},"preferences":{"unit":"celsius","currency":"EUR"},"step":"search"}
        """u8.ToArray();

    private readonly List<(string Id, string Role, string Content)> _messages = [];
    private int _turn;

    public string ThreadId { get; } = threadId;

    /// <summary>A one-turn chat on a new thread (the first run of a conversation).</summary>
    public static byte[] FirstRun(string threadPrefix, int deltas, int holdMs) =>
        new Chat($"{threadPrefix}-{Guid.NewGuid():N}").NextRun(deltas, holdMs);

    /// <summary>Adds the user's next message and returns the run's body.</summary>
    public byte[] NextRun(int deltas, int holdMs, string? runId = null)
    {
        _turn++;
        Remember(Guid.NewGuid().ToString(), "user", $"Turn {_turn}: find me a quiet hotel near the river for three nights, two guests, under 150 EUR a night.");

        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("threadId"u8, ThreadId);
            json.WriteString("runId"u8, runId ?? Guid.NewGuid().ToString());
            json.WriteString("protocolVersion"u8, "1.0");
            json.WritePropertyName("tools"u8);
            json.WriteRawValue(Tools, skipInputValidation: true);
            json.WritePropertyName("context"u8);
            json.WriteRawValue(Context, skipInputValidation: true);
            json.WriteStartObject("forwardedProps"u8);
            json.WriteNumber("deltas"u8, deltas);
            json.WriteNumber("holdMs"u8, holdMs);
            json.WriteEndObject();
            json.WritePropertyName("state"u8);
            json.WriteRawValue(State, skipInputValidation: true);
            json.WriteStartArray("messages"u8);
            foreach (var (id, role, content) in _messages)
            {
                json.WriteStartObject();
                json.WriteString("id"u8, id);
                json.WriteString("role"u8, role);
                json.WriteString("content"u8, content);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Adds the assistant's answer the run streamed (its message id and text) to the history.</summary>
    public void Answered(RunStream run)
    {
        if (run.AnswerMessageId is { } id)
        {
            Remember(id, "assistant", run.AnswerText());
        }
    }

    private void Remember(string id, string role, string content)
    {
        _messages.Add((id, role, content));
        if (_messages.Count > HistoryWindow)
        {
            _messages.RemoveAt(0);
        }
    }

    /// <summary>The text of <paramref name="deltas"/> bench deltas ("abcdefgh" each), what the answer says.</summary>
    public static string BenchAnswer(int deltas) => new StringBuilder(deltas * 8).Insert(0, "abcdefgh", deltas).ToString();
}
