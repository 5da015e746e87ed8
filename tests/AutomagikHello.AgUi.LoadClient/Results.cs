namespace AutomagikHello.AgUi.LoadClient;

/// <summary>The metric names the modes record.</summary>
internal static class Metrics
{
    public const string LongCpuPerEvent = "a.cpu_us_per_event";
    public const string LongEventsPerSecond = "a.events_per_s";
    public const string LongClientCpuPerEvent = "a.client_cpu_us_per_event";
    public const string LongStoreCpuPerEvent = "a.store_process_cpu_us_per_event";
    public const string ShortCpuPerRun = "b.cpu_us_per_run";
    public const string ShortRunsPerSecond = "b.runs_per_s";
    public const string ShortClientCpuPerRun = "b.client_cpu_us_per_run";
    public const string ShortStoreCpuPerRun = "b.store_process_cpu_us_per_run";
    public const string ShortCpuPerRunWithStore = "b.cpu_us_per_run_with_store_process";
    public const string ShortFirstEvent = "b.first_event_ms";
    public const string ShortRunLatency = "b.run_ms";
    public const string ShortRunLatencyP99 = "b.run_p99_ms";
    public const string IdleKibPerStream = "c.kib_per_stream";
    public const string IdleRssBefore = "c.rss_before_mib";
    public const string IdleRssAfter = "c.rss_after_mib";
    public const string IdleCpuPerStream = "c.cpu_us_per_stream";
    public const string IdleAnonKibPerStream = "c.anon_kib_per_stream";
    public const string IdleFileKibPerStream = "c.file_kib_per_stream";
    public const string IdleShmemKibPerStream = "c.shmem_kib_per_stream";
    public const string FirstEvent = "d.first_event_ms";
    public const string FirstEventP99 = "d.first_event_p99_ms";
    public const string FirstEventCpuPerRun = "d.cpu_us_per_run";
    public const string CancelToTerminal = "e.cancel_to_terminal_ms";
    public const string VoiceBargeIn = "f.barge_in_to_cancelled_ms";
    public const string ReconnectFirstFrame = "g.reconnect_to_first_frame_ms";
}

/// <summary>
/// Values per (target, metric): one per round for throughput, CPU and memory (reported as the median over rounds),
/// or every sample for latencies (pooled over rounds, reported as percentiles).
/// </summary>
internal sealed class Results
{
    private readonly Dictionary<(string Target, string Metric), List<double>> _values = [];
    private readonly HashSet<(string Target, string Metric)> _samples = [];

    public void Add(string target, string metric, double value) => List(target, metric).Add(value);

    public void AddSamples(string target, string metric, IEnumerable<double> samples)
    {
        List(target, metric).AddRange(samples);
        _samples.Add((target, metric));
    }

    /// <summary>Whether the metric holds latency samples (pooled over rounds) rather than one value per round.</summary>
    public bool IsSamples(string target, string metric) => _samples.Contains((target, metric));

    /// <summary>The metrics recorded for <paramref name="target"/>, in the order first recorded.</summary>
    public IEnumerable<string> Metrics(string target) => _values.Keys.Where(k => k.Target == target).Select(k => k.Metric);

    public bool Has(string target, string metric) => _values.ContainsKey((target, metric));

    public IReadOnlyList<double> Values(string target, string metric) => _values.TryGetValue((target, metric), out var list) ? list : [];

    /// <summary>The median over rounds, or NaN when nothing was recorded.</summary>
    public double Median(string target, string metric) => Pct(target, metric, 50);

    /// <summary>A percentile (nearest rank) of every sample, or NaN when nothing was recorded.</summary>
    public double Pct(string target, string metric, double percentile)
    {
        var values = Values(target, metric).ToArray();
        if (values.Length == 0)
        {
            return double.NaN;
        }

        Array.Sort(values);
        return Percentile(values, percentile);
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(double[] sorted, double percentile)
    {
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    private List<double> List(string target, string metric)
    {
        if (!_values.TryGetValue((target, metric), out var list))
        {
            list = [];
            _values.Add((target, metric), list);
        }

        return list;
    }
}
