using System.Net;
using System.Text.Json.Nodes;
using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

/// <summary>The demo's OpenAPI document (<c>/openapi/v1.json</c>), read from real Kestrel and parsed.</summary>
public sealed class OpenApiDocumentTests(KestrelDemo demo) : IClassFixture<KestrelDemo>
{
    [Fact]
    public async Task Problems_DeclareCodePathAndTraceId_AsTheAnswersCarryThem()
    {
        var document = await DocumentAsync();
        var run = document["paths"]!["/agents/echo"]!["post"]!;

        foreach (var status in new[] { "400", "406", "413", "415", "503" })
        {
            var problem = Resolve(document, run["responses"]![status]!["content"]!["application/problem+json"]!["schema"]!);
            var properties = problem["properties"]!.AsObject();
            properties.Select(p => p.Key).Should().Contain(["type", "title", "status", "detail", "instance", "code", "path", "traceId"]);
            TypeOf(properties["code"]!).Should().Be("string");
            TypeOf(properties["traceId"]!).Should().Be("string");
            ((string?)properties["code"]!["description"]).Should().Contain("stable error code");
            var required = problem["required"]!.AsArray().Select(r => (string?)r).ToList();
            required.Should().Contain(["code", "traceId"]);
            required.Should().NotContain("path", "only input errors carry a path");
        }

        // The success answer is not a problem.
        run["responses"]!["200"]!["content"]!.AsObject().Should().NotContainKey("application/problem+json");
    }

    [Fact]
    public async Task Problems_TheRealAnswerHasEveryDeclaredRequiredProperty()
    {
        var document = await DocumentAsync();
        var problem = Resolve(document, document["paths"]!["/agents/echo"]!["post"]!["responses"]!["400"]!["content"]!["application/problem+json"]!["schema"]!);
        using var content = new StringContent("{", System.Text.Encoding.UTF8, "application/json");

        using var response = await demo.Http.PostAsync("/agents/echo", content);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        foreach (var name in problem["required"]!.AsArray().Select(r => (string)r!))
        {
            body.Should().ContainKey(name);
        }

        body.Select(p => p.Key).Should().BeSubsetOf(problem["properties"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task MessageContent_IsAStringOrAnArrayOfDiscriminatedParts()
    {
        var document = await DocumentAsync();
        var input = Resolve(document, document["paths"]!["/agents/echo"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!);
        var message = Resolve(document, input["properties"]!["messages"]!["items"]!);
        var userMessage = message["anyOf"]!.AsArray().Select(m => Resolve(document, m!)).Single(m => m["properties"]?["content"] is not null && Enum(m["properties"]!["role"]!).Contains("user"));

        var content = Resolve(document, userMessage["properties"]!["content"]!);

        var choices = content["oneOf"]!.AsArray().Select(c => Resolve(document, c!)).ToList();
        choices.Select(TypeOf).Should().BeEquivalentTo("string", "array");
        var part = Resolve(document, choices.Single(c => TypeOf(c) == "array")["items"]!);
        ((string?)part["discriminator"]!["propertyName"]).Should().Be("type");
        part["discriminator"]!["mapping"]!.AsObject().Select(m => m.Key).Should().BeEquivalentTo("text", "image", "audio", "video", "document");
        // The generator writes polymorphic types as anyOf with the discriminator (their type values exclude each other).
        var kinds = part["anyOf"]!.AsArray().Select(p => Resolve(document, p!)).ToList();
        kinds.Should().HaveCount(5);
        var text = kinds.Single(k => Enum(k["properties"]!["type"]!).SequenceEqual(["text"]));
        text["properties"]!.AsObject().Should().ContainKey("text");
        var image = kinds.Single(k => Enum(k["properties"]!["type"]!).SequenceEqual(["image"]));
        var source = Resolve(document, image["properties"]!["source"]!);
        source["discriminator"]!["mapping"]!.AsObject().Select(m => m.Key).Should().BeEquivalentTo("data", "url", "file");
        source["anyOf"]!.AsArray().Should().HaveCount(3);
        // Not an empty schema, and not an object: neither {} nor {"type":"object"} describes it.
        content.AsObject().Should().NotContainKey("type");
    }

    [Fact]
    public async Task RunAgentInput_FieldsCarryTheirDescriptions()
    {
        var document = await DocumentAsync();

        var input = Resolve(document, document["paths"]!["/agents/echo"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!);

        var properties = input["properties"]!.AsObject();
        properties.Select(p => p.Key).Should().Contain(["threadId", "runId", "messages", "tools", "context", "state", "forwardedProps", "resume"]);
        foreach (var (name, schema) in properties)
        {
            Describe(document, schema!).Should().NotBeNullOrWhiteSpace($"{name} should say what it is");
        }

        Describe(document, properties["threadId"]!).Should().Be("The conversation, stable across runs.");
    }

    private async Task<JsonNode> DocumentAsync()
    {
        using var response = await demo.Http.GetAsync("/openapi/v1.json");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>Follows a <c>$ref</c> to <c>#/components/schemas/…</c> (any number of times).</summary>
    private static JsonNode Resolve(JsonNode document, JsonNode schema)
    {
        while (schema["$ref"] is { } reference)
        {
            var name = ((string)reference!)["#/components/schemas/".Length..];
            schema = document["components"]!["schemas"]![name] ?? throw new InvalidOperationException($"{reference} is not in the document.");
        }

        return schema;
    }

    /// <summary>A property's description: on the property, on its non-null choice (a nullable $ref), or on the schema it refers to.</summary>
    private static string? Describe(JsonNode document, JsonNode schema) =>
        (string?)schema["description"]
        ?? schema["oneOf"]?.AsArray().Select(choice => (string?)choice!["description"]).FirstOrDefault(d => d is not null)
        ?? (string?)Resolve(document, schema)["description"];

    private static string? TypeOf(JsonNode schema) => schema["type"] switch
    {
        JsonArray types => types.Select(t => (string?)t).Single(t => t != "null"),
        var type => (string?)type,
    };

    private static IEnumerable<string?> Enum(JsonNode schema) =>
        schema["enum"]?.AsArray().Select(e => (string?)e) ?? (schema["const"] is { } value ? [(string?)value] : []);
}
