using System.Globalization;
using System.Text.Json;
using AutomagikHello.AgUi;

namespace AutomagikHello.Demo.Agents;

/// <summary>
/// Structured input: asks for a quarter (Q1–Q4), a year (integer, 2000 or later) and a revenue (number) through an
/// <c>input_required</c> interrupt with a response schema, and uses the answer.
/// </summary>
public sealed class FormAgent : IAgUiAgent
{
    public static readonly JsonElement Schema = JsonDocument.Parse("""
        {
          "type": "object",
          "title": "Quarterly report",
          "properties": {
            "quarter": { "type": "string", "enum": ["Q1", "Q2", "Q3", "Q4"], "title": "Quarter" },
            "year": { "type": "integer", "minimum": 2000, "title": "Year" },
            "revenue": { "type": "number", "minimum": 0, "title": "Revenue (EUR)" }
          },
          "required": ["quarter", "year", "revenue"],
          "additionalProperties": false
        }
        """).RootElement;

    public async ValueTask<AgentOutcome> RunAsync(AgUiRun run, CancellationToken cancellationToken)
    {
        if (run.Resume is [var answer, ..])
        {
            if (answer.Entry.Payload is not { } report)
            {
                await run.SendTextMessageAsync("No report then. Ask me again any time.");
                return AgentOutcome.Success();
            }

            var revenue = report.GetProperty("revenue").GetDouble().ToString("N2", CultureInfo.InvariantCulture);
            await run.SendTextMessageAsync($"Recorded: {report.GetProperty("quarter").GetString()} {report.GetProperty("year").GetInt32()} revenue {revenue} EUR.");
            return AgentOutcome.Success(report);
        }

        await run.SendTextMessageAsync("I need a few figures for the report.");
        return AgentOutcome.Interrupt(run.RequestInput("Which quarter, year and revenue should the report cover?", Schema));
    }
}
