using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace AutomagikHello.AgUi.Tests.Infrastructure;

/// <summary>One error of a schema evaluation: where in the instance, which keyword, and the message.</summary>
public sealed record SchemaError(string InstanceLocation, string Keyword, string EvaluationPath, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Keyword} at '{InstanceLocation}' ({EvaluationPath}): {Message}";
}

/// <summary>The outcome of validating one instance against one definition.</summary>
public sealed record SchemaVerdict(string Anchor, bool IsValid, IReadOnlyList<SchemaError> Errors)
{
    /// <summary>The errors, one per line, for failure messages.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(IsValid ? "valid" : "invalid").Append(" against #").Append(Anchor);
        foreach (var error in Errors)
        {
            text.AppendLine().Append("  ").Append(error);
        }

        return text.ToString();
    }
}

/// <summary>
/// The AG-UI 1.0 schema (<c>schema.json</c> of the spec folder) loaded once into its own <see cref="SchemaRegistry"/>,
/// and validation of an instance against any definition by its anchor (<c>…/schema.json#TypeName</c>).
/// </summary>
public static class AgUiSchema
{
    /// <summary>The schema's <c>$id</c>.</summary>
    public const string SchemaId = "https://ag-ui.com/spec/1.0/schema.json";

    // Everything is built once, up front: tests validate in parallel, and the registry is only read after that.
    private static readonly Lazy<Loaded> State = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The names of every <c>$defs</c> entry (each is also an <c>$anchor</c>).</summary>
    public static IReadOnlyCollection<string> DefinitionNames => State.Value.Definitions.Keys.ToList();

    /// <summary>The <c>required</c> member names of a definition (empty when it has none).</summary>
    public static IReadOnlyList<string> RequiredMembers(string definition)
    {
        if (!State.Value.Definitions.TryGetValue(definition, out var def))
        {
            throw new ArgumentException($"schema.json has no definition '{definition}'.", nameof(definition));
        }

        return def["required"] is JsonArray required ? required.Select(r => (string)r!).ToList() : [];
    }

    /// <summary>Validates <paramref name="instance"/> against <c>schema.json#<paramref name="anchor"/></c>.</summary>
    public static SchemaVerdict Validate(JsonElement instance, string anchor)
    {
        if (!State.Value.ByAnchor.TryGetValue(anchor, out var schema))
        {
            throw new ArgumentException($"schema.json has no definition (anchor) '{anchor}'.", nameof(anchor));
        }

        var results = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = new List<SchemaError>();
        Collect(results, errors);
        return new SchemaVerdict(anchor, results.IsValid, errors);
    }

    /// <summary>Validates a JSON tree against <c>schema.json#<paramref name="anchor"/></c>.</summary>
    public static SchemaVerdict Validate(JsonNode? instance, string anchor)
    {
        using var document = JsonDocument.Parse(instance?.ToJsonString() ?? "null");
        return Validate(document.RootElement, anchor);
    }

    /// <summary>Validates UTF-8 JSON against <c>schema.json#<paramref name="anchor"/></c>.</summary>
    public static SchemaVerdict Validate(ReadOnlyMemory<byte> utf8Json, string anchor)
    {
        using var document = JsonDocument.Parse(utf8Json);
        return Validate(document.RootElement, anchor);
    }

    private static void Collect(EvaluationResults results, List<SchemaError> errors)
    {
        if (results.Errors is { Count: > 0 })
        {
            foreach (var (keyword, message) in results.Errors)
            {
                errors.Add(new SchemaError(
                    results.InstanceLocation.ToString(),
                    keyword,
                    results.EvaluationPath.ToString(),
                    message));
            }
        }

        if (results.Details is { Count: > 0 })
        {
            foreach (var detail in results.Details)
            {
                Collect(detail, errors);
            }
        }
    }

    private static Loaded Load()
    {
        var text = File.ReadAllText(SpecFiles.SchemaPath);
        var root = JsonNode.Parse(text) ?? throw new InvalidDataException("schema.json is empty.");
        if ((string?)root["$id"] != SchemaId)
        {
            throw new InvalidDataException($"schema.json's $id is '{(string?)root["$id"]}', expected '{SchemaId}'.");
        }

        var definitions = (root["$defs"] as JsonObject ?? throw new InvalidDataException("schema.json has no $defs."))
            .ToDictionary(p => p.Key, p => p.Value ?? throw new InvalidDataException($"$defs/{p.Key} is null."), StringComparer.Ordinal);
        foreach (var (name, def) in definitions)
        {
            if ((string?)def["$anchor"] != name)
            {
                throw new InvalidDataException($"$defs/{name} has $anchor '{(string?)def["$anchor"]}', expected '{name}'.");
            }
        }

        // The whole file is registered under its $id; each definition is then reached the way the spec addresses it,
        // through a one-line schema {"$ref": "<$id>#<anchor>"}.
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        JsonSchema.FromText(text, options);
        var byAnchor = new Dictionary<string, JsonSchema>(StringComparer.Ordinal);
        foreach (var anchor in definitions.Keys)
        {
            var reference = $$"""{"$schema":"https://json-schema.org/draft/2020-12/schema","$ref":"{{SchemaId}}#{{anchor}}"}""";
            byAnchor[anchor] = JsonSchema.FromText(reference, options, new Uri($"https://tests.automagikhello.invalid/anchors/{anchor}"));
        }

        return new Loaded(definitions, byAnchor);
    }

    private sealed record Loaded(IReadOnlyDictionary<string, JsonNode> Definitions, IReadOnlyDictionary<string, JsonSchema> ByAnchor);
}
