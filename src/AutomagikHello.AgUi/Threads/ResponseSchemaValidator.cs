using System.Collections.Concurrent;
using System.Text.Json;
using Json.Schema;

namespace AutomagikHello.AgUi.Threads;

/// <summary>Checks a payload against an interrupt's <c>responseSchema</c> (JSON Schema 2020-12, JsonSchema.Net).</summary>
internal static class ResponseSchemaValidator
{
    private const int CachedSchemas = 512;

    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List };

    // Interrupts of one agent share a handful of schemas: build each once (keyed by its text), not per answer.
    private static readonly ConcurrentDictionary<string, JsonSchema> Built = new(StringComparer.Ordinal);

    /// <summary>Returns <see langword="null"/> when the payload fits, else a message naming the failing path.</summary>
    public static string? Validate(JsonElement schema, JsonElement? payload)
    {
        if (payload is not { } value)
        {
            return "The interrupt's responseSchema requires a payload, and the entry has none.";
        }

        JsonSchema built;
        try
        {
            var text = schema.GetRawText();
            if (!Built.TryGetValue(text, out built!))
            {
                // A private registry per build: schemas from different interrupts must never see each other's $ids.
                built = JsonSchema.Build(schema, new BuildOptions { SchemaRegistry = new SchemaRegistry() }, new Uri("urn:agui:response-schema:" + Guid.NewGuid().ToString("N")));
                if (Built.Count >= CachedSchemas)
                {
                    Built.Clear();
                }

                Built.TryAdd(text, built);
            }
        }
        catch (Exception ex) when (ex is JsonSchemaException or JsonException or ArgumentException or InvalidOperationException)
        {
            return "The interrupt's responseSchema is not a usable JSON Schema: " + ex.Message;
        }

        var results = built.Evaluate(value, Evaluation);
        if (results.IsValid)
        {
            return null;
        }

        var first = FirstError(results);
        return first is null
            ? "The payload does not match the interrupt's responseSchema."
            : $"The payload does not match the interrupt's responseSchema at '{first.Value.Location}': {first.Value.Message}";
    }

    private static (string Location, string Message)? FirstError(EvaluationResults results)
    {
        if (results.Errors is { Count: > 0 } errors)
        {
            var error = errors.First();
            return (results.InstanceLocation.ToString(), $"{error.Key}: {error.Value}");
        }

        foreach (var detail in results.Details ?? [])
        {
            if (FirstError(detail) is { } found)
            {
                return found;
            }
        }

        return null;
    }
}
