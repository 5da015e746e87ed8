using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace AutomagikHello.AgUi.Runs;

/// <summary>
/// The run metrics, on a meter named <see cref="AgUiTelemetry.Name"/> created through the host's
/// <see cref="IMeterFactory"/>:
/// <list type="bullet">
/// <item><c>agui.runs</c> (counter, tag <c>agui.run.outcome</c>: success, interrupt, cancelled, error, aborted);</item>
/// <item><c>agui.run.errors</c> (counter, tag <c>error.type</c>: the <c>RUN_ERROR</c> code);</item>
/// <item><c>agui.run.cancellations</c> (counter, tag <c>agui.cancel.reason</c>: request, max_duration, shutdown,
/// client_disconnect, agent);</item>
/// <item><c>agui.run.time_to_first_event</c> (histogram, seconds from the request reaching the run pipeline to the
/// agent's first event written);</item>
/// <item><c>agui.run.duration</c> (histogram, seconds, tag <c>agui.run.outcome</c>);</item>
/// <item><c>agui.streams.open</c> (up-down counter of open event streams).</item>
/// </list>
/// </summary>
internal sealed class AgUiMetrics
{
    public const string OutcomeTag = "agui.run.outcome";
    public const string ErrorTypeTag = "error.type";
    public const string CancelReasonTag = "agui.cancel.reason";

    private readonly Counter<long> _runs;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _cancellations;
    private readonly Histogram<double> _timeToFirstEvent;
    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _openStreams;

    /// <param name="meterFactory">The host's meter factory; without one (a host that registers no metrics) a meter of its own.</param>
    public AgUiMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(AgUiTelemetry.Name) ?? new Meter(AgUiTelemetry.Name);
        _runs = meter.CreateCounter<long>("agui.runs", unit: "{run}", description: "Runs that ended, by outcome.");
        _errors = meter.CreateCounter<long>("agui.run.errors", unit: "{run}", description: "Runs that ended with RUN_ERROR, by code.");
        _cancellations = meter.CreateCounter<long>("agui.run.cancellations", unit: "{run}", description: "Runs stopped before the agent finished, by reason.");
        _timeToFirstEvent = meter.CreateHistogram<double>("agui.run.time_to_first_event", unit: "s", description: "Time from the run request to the agent's first event on the stream.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _duration = meter.CreateHistogram<double>("agui.run.duration", unit: "s", description: "Duration of runs, by outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] });
        _openStreams = meter.CreateUpDownCounter<long>("agui.streams.open", unit: "{stream}", description: "Event streams currently open.");
    }

    public void StreamOpened() => _openStreams.Add(1);

    public void StreamClosed() => _openStreams.Add(-1);

    public void FirstEvent(TimeSpan elapsed) => _timeToFirstEvent.Record(elapsed.TotalSeconds);

    public void RunEnded(in RunEnd end, TimeSpan duration)
    {
        var outcome = new KeyValuePair<string, object?>(OutcomeTag, end.Kind.ToWireName());
        _runs.Add(1, outcome);
        _duration.Record(duration.TotalSeconds, outcome);
        if (end.ErrorCode is { } code)
        {
            _errors.Add(1, new KeyValuePair<string, object?>(ErrorTypeTag, code));
        }

        if (CancelReason(end) is { } reason)
        {
            _cancellations.Add(1, new KeyValuePair<string, object?>(CancelReasonTag, reason));
        }
    }

    private static string? CancelReason(in RunEnd end) => end.StopReason switch
    {
        RunStopReason.CancelRequested => "request",
        RunStopReason.MaxDuration => "max_duration",
        RunStopReason.Shutdown => "shutdown",
        RunStopReason.ClientDisconnected => "client_disconnect",
        _ when end.Kind == RunEndKind.Cancelled => "agent",
        _ => null,
    };

    /// <summary>Stamps the run's span with how it ended, and with an exception event when the agent's failure ended it.</summary>
    public static void Tag(Activity? activity, in RunEnd end, Exception? failure = null)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag(OutcomeTag, end.Kind.ToWireName());
        if (end.ErrorCode is { } code)
        {
            activity.SetTag(ErrorTypeTag, code);
            activity.SetTag("agui.error.code", code);
            activity.SetStatus(ActivityStatusCode.Error, code);
            if (failure is not null)
            {
                activity.AddException(failure);
            }
        }

        if (CancelReason(end) is { } reason)
        {
            activity.SetTag(CancelReasonTag, reason);
        }
    }
}
