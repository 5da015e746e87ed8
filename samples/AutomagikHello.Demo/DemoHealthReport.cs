using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AutomagikHello.Demo;

/// <summary>
/// Writes the demo's <c>/healthz</c> answer as JSON: the overall status and, per check, its status, description and
/// data (the thread store's type, for instance). The status code is ASP.NET Core's: 200 when healthy or degraded, 503
/// when unhealthy.
/// </summary>
internal static class DemoHealthReport
{
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteStartArray("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("status", entry.Status.ToString());
            if (entry.Description is { } description)
            {
                json.WriteString("description", description);
            }

            foreach (var (key, value) in entry.Data)
            {
                json.WriteString(key, value?.ToString());
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
