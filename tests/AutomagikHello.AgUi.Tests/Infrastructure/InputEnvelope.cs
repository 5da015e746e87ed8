using System.Text.Json.Nodes;

namespace AutomagikHello.AgUi.Tests.Infrastructure;

/// <summary>A fixture placed where it belongs in a minimal <see cref="RunAgentInput"/>, and where that is.</summary>
/// <param name="Document">The whole <c>RunAgentInput</c> document.</param>
/// <param name="Location">The JSON Pointer of the fixture inside <paramref name="Document"/> (empty for a RunAgentInput).</param>
public sealed record InputEnvelope(JsonObject Document, string Location)
{
    /// <summary>The document as UTF-8 bytes, as a request body.</summary>
    public byte[] ToUtf8Bytes() => System.Text.Encoding.UTF8.GetBytes(Document.ToJsonString());

    /// <summary>
    /// Whether <paramref name="typeName"/> is an input-side type: one that travels inside a <c>RunAgentInput</c>, so
    /// the strict reader sees it (the input itself, a message of any role, a content part, a part source, a tool,
    /// a context entry or a resume entry).
    /// </summary>
    public static bool IsInputSide(string typeName) => ModelTypes.Find(typeName) is { } type && LocationOf(type) is not null;

    /// <summary>Wraps <paramref name="fixture"/> (a document of type <paramref name="typeName"/>) in a minimal input.</summary>
    public static InputEnvelope Wrap(string typeName, JsonNode? fixture)
    {
        var type = ModelTypes.Get(typeName);
        var location = LocationOf(type) ?? throw new ArgumentException($"{typeName} does not travel in a RunAgentInput.", nameof(typeName));
        if (type == typeof(RunAgentInput))
        {
            return new InputEnvelope(fixture as JsonObject ?? throw new ArgumentException("A RunAgentInput fixture must be an object.", nameof(fixture)), location);
        }

        var document = new JsonObject
        {
            ["threadId"] = "thread-fixture",
            ["runId"] = "run-fixture",
            ["messages"] = new JsonArray(),
        };

        if (typeof(Message).IsAssignableFrom(type))
        {
            document["messages"] = new JsonArray(fixture);
        }
        else if (typeof(ContentPart).IsAssignableFrom(type))
        {
            document["messages"] = new JsonArray(UserMessageWith(fixture));
        }
        else if (typeof(PartSource).IsAssignableFrom(type))
        {
            document["messages"] = new JsonArray(UserMessageWith(new JsonObject { ["type"] = "document", ["source"] = fixture }));
        }
        else if (type == typeof(Tool))
        {
            document["tools"] = new JsonArray(fixture);
        }
        else if (type == typeof(Context))
        {
            document["context"] = new JsonArray(fixture);
        }
        else if (type == typeof(ResumeEntry))
        {
            document["resume"] = new JsonArray(fixture);
        }

        return new InputEnvelope(document, location);
    }

    private static JsonObject UserMessageWith(JsonNode? part) => new()
    {
        ["id"] = "msg-fixture",
        ["role"] = "user",
        ["content"] = new JsonArray(part),
    };

    private static string? LocationOf(Type type) =>
        type == typeof(RunAgentInput) ? string.Empty
        : typeof(Message).IsAssignableFrom(type) ? "/messages/0"
        : typeof(ContentPart).IsAssignableFrom(type) ? "/messages/0/content/0"
        : typeof(PartSource).IsAssignableFrom(type) ? "/messages/0/content/0/source"
        : type == typeof(Tool) ? "/tools/0"
        : type == typeof(Context) ? "/context/0"
        : type == typeof(ResumeEntry) ? "/resume/0"
        : null;
}
