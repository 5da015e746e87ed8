using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;
using Json.Schema.Keywords;

namespace AutomagikHello.AgUi.Threads;

/// <summary>
/// An interrupt's <c>responseSchema</c>, by one set of rules (JsonSchema.Net): JSON Schema 2020-12 whether or not
/// <c>$schema</c> says so (another dialect is refused), unknown keywords allowed as annotations (<c>x-widget</c>,
/// <c>ui:widget</c>, <c>nullable</c>), <c>format</c> asserted, regular expressions bounded in time
/// (<see cref="PatternTimeBudget"/>), every <c>$ref</c> resolved inside the schema. <see cref="Check"/> runs when the
/// agent raises the interrupt; <see cref="Validate"/> when a payload answers it, and never throws.
/// </summary>
internal static class ResponseSchemaValidator
{
    private const int CachedSchemas = 512;

    private static readonly Uri Draft202012Id = new("https://json-schema.org/draft/2020-12/schema");

    // The pinned dialect, registered (locally) under the 2020-12 id too, so "$schema": 2020-12 selects it rather than
    // the library's own 2020-12 dialect with unbounded patterns.
    private static readonly Dialect Pinned = Dialect.Draft202012
        .Without([PatternKeyword.Instance])
        .With([BoundedPatternKeyword.Instance], Draft202012Id, allowUnknownKeywords: true);

    private static readonly DialectRegistry Dialects = CreateDialects();

    private static readonly EvaluationOptions Evaluation = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    // Interrupts of one agent share a handful of schemas: build (and check) each once, keyed by its text, not per answer.
    private static readonly ConcurrentDictionary<string, BuiltSchema> Built = new(StringComparer.Ordinal);

    /// <summary>Returns <see langword="null"/> when <paramref name="schema"/> is a usable response schema, else why not.</summary>
    public static string? Check(JsonElement schema) => Build(schema).Problem;

    /// <summary>Returns <see langword="null"/> when the payload fits, else a message naming the failing path.</summary>
    public static string? Validate(JsonElement schema, JsonElement? payload)
    {
        if (payload is not { } value)
        {
            return "The interrupt's responseSchema requires a payload, and the entry has none.";
        }

        var built = Build(schema);
        if (built.Schema is not { } compiled)
        {
            return "The interrupt's responseSchema is not a usable JSON Schema: " + built.Problem;
        }

        EvaluationResults results;
        try
        {
            using (PatternTimeBudget.Start())
            {
                results = compiled.Evaluate(value, Evaluation);
            }
        }
        catch (RegexMatchTimeoutException)
        {
            return $"The payload takes too long to match a pattern of the interrupt's responseSchema (limits: {PatternTimeBudget.MatchTimeout.TotalMilliseconds} ms a match, {PatternTimeBudget.EvaluationBudget.TotalMilliseconds} ms a payload).";
        }
#pragma warning disable CA1031 // The schema is the agent's and the payload the client's: whatever evaluation throws is a refusal, never a 500.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return "The interrupt's responseSchema could not be evaluated: " + ex.Message;
        }

        if (results.IsValid)
        {
            return null;
        }

        var first = FirstError(results);
        return first is null
            ? "The payload does not match the interrupt's responseSchema."
            : $"The payload does not match the interrupt's responseSchema at '{first.Value.Location}': {first.Value.Message}";
    }

    private static BuiltSchema Build(JsonElement schema)
    {
        var text = schema.GetRawText();
        if (Built.TryGetValue(text, out var built))
        {
            return built;
        }

        built = Compile(schema);
        if (Built.Count >= CachedSchemas)
        {
            Built.Clear();
        }

        Built.TryAdd(text, built);
        return built;
    }

    private static BuiltSchema Compile(JsonElement schema)
    {
        JsonSchema compiled;
        try
        {
            // A private registry per build: schemas from different interrupts must never see each other's $ids.
            var options = new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = Pinned, DialectRegistry = Dialects };
            compiled = JsonSchema.Build(schema, options, new Uri("urn:agui:response-schema:" + Guid.NewGuid().ToString("N")));
        }
#pragma warning disable CA1031 // Building reports a bad schema by throwing (JsonSchemaException, RegexParseException, ...): each is a problem to report.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new BuiltSchema(null, ex.Message);
        }

        return FindProblem(compiled.Root, new HashSet<JsonSchemaNode>(ReferenceEqualityComparer.Instance)) is { } problem
            ? new BuiltSchema(null, problem)
            : new BuiltSchema(compiled, null);
    }

    /// <summary>
    /// What building accepts but evaluation would fail on: a <c>$ref</c> that resolved to nothing (evaluation throws
    /// when it reaches one), or a <c>$schema</c> naming another dialect. On the way, bounds <c>patternProperties</c>.
    /// </summary>
    private static string? FindProblem(JsonSchemaNode node, HashSet<JsonSchemaNode> seen)
    {
        if (!seen.Add(node))
        {
            return null;
        }

        foreach (var keyword in node.Keywords ?? [])
        {
            if (keyword.Handler is RefKeyword && keyword.Subschemas is not { Length: > 0 })
            {
                return $"'$ref': '{keyword.RawValue}' resolves to nothing; a response schema can only refer inside itself (or to the JSON Schema meta-schemas).";
            }

            if (keyword.Handler is SchemaKeyword && !IsDraft202012(keyword.RawValue))
            {
                return $"'$schema': '{keyword.RawValue}' is not JSON Schema 2020-12; omit '$schema' or name {Draft202012Id}.";
            }

            if (keyword.Handler is PatternPropertiesKeyword)
            {
                PatternTimeBudget.BoundPatternProperties(keyword);
            }

            foreach (var subschema in keyword.Subschemas ?? [])
            {
                if (FindProblem(subschema, seen) is { } problem)
                {
                    return problem;
                }
            }
        }

        return null;
    }

    private static bool IsDraft202012(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && value.GetString()?.TrimEnd('#') == Draft202012Id.OriginalString;

    private static DialectRegistry CreateDialects()
    {
        var registry = new DialectRegistry();
        registry.Register(Pinned);
        return registry;
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

    private sealed record BuiltSchema(JsonSchema? Schema, string? Problem);
}
