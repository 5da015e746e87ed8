using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;

/// <summary>
/// Validates streamed events against the AG-UI 1.0 schema (<c>schema.json#Event</c> of the shared spec folder:
/// <c>AGUI_SPEC_DIR</c>, else <c>../shared/agui-spec</c> beside the repository).
/// </summary>
public static class EventSchema
{
    private const string SchemaId = "https://ag-ui.com/spec/1.0/schema.json";

    private static readonly Lazy<JsonSchema> Event = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    public static void ShouldBeValidEvents(this IEnumerable<JsonObject> events)
    {
        foreach (var e in events)
        {
            using var document = JsonDocument.Parse(e.ToJsonString());
            var result = Event.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            result.IsValid.Should().BeTrue("every streamed event must validate against schema.json#Event: {0}", e.ToJsonString());
        }
    }

    private static JsonSchema Load()
    {
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        JsonSchema.FromText(File.ReadAllText(SchemaPath()), options);
        return JsonSchema.FromText($$"""{"$schema":"https://json-schema.org/draft/2020-12/schema","$ref":"{{SchemaId}}#Event"}""", options, new Uri("https://tests.automagikhello.invalid/event"));
    }

    private static string SchemaPath()
    {
        var fromEnv = Environment.GetEnvironmentVariable("AGUI_SPEC_DIR");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return Path.Combine(fromEnv, "schema.json");
        }

        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AutomagikHello.sln")))
        {
            dir = dir.Parent;
        }

        var path = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("AutomagikHello.sln not found"), "..", "shared", "agui-spec", "schema.json");
        return File.Exists(path) ? path : throw new FileNotFoundException("The AG-UI schema was not found; set AGUI_SPEC_DIR.", path);
    }
}
