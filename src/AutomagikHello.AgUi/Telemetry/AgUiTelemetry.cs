using System.Diagnostics;

namespace AutomagikHello.AgUi;

/// <summary>
/// The names of the package's telemetry: one <see cref="ActivitySource"/> and one meter, both named
/// <see cref="Name"/>. Subscribe to them (e.g. OpenTelemetry's <c>AddSource</c> and <c>AddMeter</c>) to collect a
/// span per run and the run metrics.
/// </summary>
public static class AgUiTelemetry
{
    /// <summary>The name of the activity source and of the meter: <c>AutomagikHello.AgUi.AspNetCore</c>.</summary>
    public const string Name = "AutomagikHello.AgUi.AspNetCore";

    /// <summary>The name of the span recorded for each run.</summary>
    public const string RunActivityName = "agui.run";

    /// <summary>The source of the run spans.</summary>
    internal static readonly ActivitySource ActivitySource = new(Name, typeof(AgUiTelemetry).Assembly.GetName().Version?.ToString());
}
