namespace AutomagikHello.AgUi.LoadClient;

/// <summary>Prints the results as Markdown tables: ours, the baseline, the ratio and the issue's target.</summary>
internal static class Report
{
    private const string Ours = "ours";
    private const string Baseline = "baseline";
    private const string NoStore = "nostore";

    public static void Print(Results results, LoadOptions options)
    {
        Console.WriteLine("| mode | metric | ours | baseline | ours / baseline | target | met |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | --- | --- |");
        var long_ = $"(a) 1 stream of {options.LongEvents:N0} events";
        var short_ = $"(b) 100-event runs, {options.Concurrency} concurrent";
        var idle = $"(c) {options.IdleStreams:N0} idle open streams";
        var first = "(d) first event, sequential runs";
        var cancel = "(e) cancel → terminal frame";

        Row(results, long_, "server CPU per event (µs)", Metrics.LongCpuPerEvent, Median, "F3", "≤ 0.6 µs", v => v <= 0.6);
        Row(results, long_, "events/s (client-observed)", Metrics.LongEventsPerSecond, Median, "N0");
        Row(results, long_, "client CPU per event (µs)", Metrics.LongClientCpuPerEvent, Median, "F3");
        Row(results, short_, "server CPU per run (µs)", Metrics.ShortCpuPerRun, Median, "F1", "≤ 120 µs", v => v <= 120);
        Row(results, short_, "runs/s", Metrics.ShortRunsPerSecond, Median, "N0");
        Row(results, short_, "first event p50 (ms)", Metrics.ShortFirstEvent, P50, "F3");
        Row(results, short_, "first event p99 (ms)", Metrics.ShortFirstEvent, P99, "F3");
        Row(results, short_, "whole run p99 (ms)", Metrics.ShortRunLatency, P99, "F3");
        Row(results, short_, "client CPU per run (µs)", Metrics.ShortClientCpuPerRun, Median, "F1");
        Row(results, idle, "RSS per open stream (KB)", Metrics.IdleKibPerStream, Median, "F1", "≤ 16 KB", v => v <= 16);
        Row(results, idle, "RSS before (MB)", Metrics.IdleRssBefore, Median, "F1");
        Row(results, idle, "RSS after (MB)", Metrics.IdleRssAfter, Median, "F1");
        Row(results, idle, "server CPU per stream opened (µs)", Metrics.IdleCpuPerStream, Median, "F1");
        Row(results, first, "p50 (ms)", Metrics.FirstEvent, P50, "F3");
        var baselineP99 = P99(results, Baseline, Metrics.FirstEvent);
        Row(results, first, "p99 (ms)", Metrics.FirstEvent, P99, "F3", "≤ baseline + 1 ms", v => v <= baselineP99 + 1);
        Row(results, first, "server CPU per run (µs)", Metrics.FirstEventCpuPerRun, Median, "F1");
        Row(results, cancel, "p50 (ms)", Metrics.CancelToTerminal, P50, "F3");
        Row(results, cancel, "p99 (ms)", Metrics.CancelToTerminal, P99, "F3", "≤ 5 ms", v => v <= 5);
        Console.WriteLine();
        PrintStoreCost(results, short_, long_, first);
        if (options.Quick)
        {
            Console.WriteLine("--quick is a smoke test: a few clock ticks of CPU per mode, too few to read the CPU rows.");
        }

        Console.WriteLine("CPU and memory: median over rounds; latencies: percentiles of every sample of every round. KB = 1024 bytes (VmRSS).");
        PrintBargeIn(results);
    }

    /// <summary>Mode f against its baseline, mode e on the same server in the same run: both are cancel → terminal frame.</summary>
    private static void PrintBargeIn(Results results)
    {
        if (!results.Has(Ours, Metrics.VoiceBargeIn))
        {
            return;
        }

        Console.WriteLine();
        Console.WriteLine("| cancel → terminal frame (ours) | runs | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        BargeInRow(results, "(f) voice barge-in: agent speaking → RUN_FINISHED(cancelled)", Metrics.VoiceBargeIn);
        BargeInRow(results, "(e) baseline: bench agent held silent → RUN_FINISHED(cancelled)", Metrics.CancelToTerminal);
        if (results.Has(Ours, Metrics.CancelToTerminal))
        {
            string Ratio(double p) => $"{results.Pct(Ours, Metrics.VoiceBargeIn, p) / results.Pct(Ours, Metrics.CancelToTerminal, p):F2}";
            Console.WriteLine($"| ratio f / e | | {Ratio(50)} | {Ratio(95)} | {Ratio(99)} | |");
        }
    }

    private static void BargeInRow(Results results, string label, string metric)
    {
        if (!results.Has(Ours, metric))
        {
            return;
        }

        var values = results.Values(Ours, metric);
        Console.WriteLine($"| {label} | {values.Count} | {Format(results.Pct(Ours, metric, 50), "F3")} | {Format(results.Pct(Ours, metric, 95), "F3")} | {Format(results.Pct(Ours, metric, 99), "F3")} | {Format(values.Max(), "F3")} |");
    }

    // The thread store's share: ours (its configured store) against the same build with no store (Demo:Store=none).
    private static void PrintStoreCost(Results results, string short_, string long_, string first)
    {
        if (!results.Has(NoStore, Metrics.ShortCpuPerRun) && !results.Has(NoStore, Metrics.LongCpuPerEvent) && !results.Has(NoStore, Metrics.FirstEvent))
        {
            return;
        }

        Console.WriteLine("Thread store on (ours) vs off (nostore: the same build, Demo:Store=none):");
        Console.WriteLine();
        Console.WriteLine("| mode | metric | store on | store off | on / off | target | met |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | --- | --- |");
        Compare(results, short_, "server CPU per run (µs)", Metrics.ShortCpuPerRun, Median, "F1", "≤ 1.10", r => r <= 1.10);
        Compare(results, short_, "runs/s", Metrics.ShortRunsPerSecond, Median, "N0", "≥ 0.90", r => r >= 0.90);
        Compare(results, short_, "first event p50 (ms)", Metrics.ShortFirstEvent, P50, "F3");
        Compare(results, short_, "first event p99 (ms)", Metrics.ShortFirstEvent, P99, "F3");
        Compare(results, short_, "whole run p99 (ms)", Metrics.ShortRunLatency, P99, "F3");
        Compare(results, long_, "server CPU per event (µs)", Metrics.LongCpuPerEvent, Median, "F3");
        Compare(results, first, "p50 (ms)", Metrics.FirstEvent, P50, "F3");
        Compare(results, first, "p99 (ms)", Metrics.FirstEvent, P99, "F3");
        Compare(results, first, "server CPU per run (µs)", Metrics.FirstEventCpuPerRun, Median, "F1");
        Console.WriteLine();

        // Rounds are paired (both servers measured back to back), so the ratio of each round is meaningful on its own.
        var on = results.Values(Ours, Metrics.ShortCpuPerRun);
        var off = results.Values(NoStore, Metrics.ShortCpuPerRun);
        if (on.Count > 0 && on.Count == off.Count)
        {
            var ratios = on.Zip(off, (a, b) => (a / b).ToString("F2", System.Globalization.CultureInfo.InvariantCulture));
            Console.WriteLine($"(b) server CPU per run, on / off by round: {string.Join(", ", ratios)}");
            Console.WriteLine();
        }
    }

    private static void Compare(
        Results results,
        string mode,
        string label,
        string metric,
        Func<Results, string, string, double> statistic,
        string format,
        string target = "",
        Func<double, bool>? met = null)
    {
        if (!results.Has(Ours, metric) || !results.Has(NoStore, metric))
        {
            return;
        }

        var on = statistic(results, Ours, metric);
        var off = statistic(results, NoStore, metric);
        var ratio = off == 0 ? double.NaN : on / off;
        var verdict = met is null || double.IsNaN(ratio) ? "" : met(ratio) ? "yes" : "**no**";
        Console.WriteLine($"| {mode} | {label} | {Format(on, format)} | {Format(off, format)} | {Format(ratio, "F2")} | {target} | {verdict} |");
    }

    private static double Median(Results results, string target, string metric) => results.Median(target, metric);

    private static double P50(Results results, string target, string metric) => results.Pct(target, metric, 50);

    private static double P99(Results results, string target, string metric) => results.Pct(target, metric, 99);

    private static void Row(
        Results results,
        string mode,
        string label,
        string metric,
        Func<Results, string, string, double> statistic,
        string format,
        string target = "",
        Func<double, bool>? met = null)
    {
        if (!results.Has(Ours, metric) && !results.Has(Baseline, metric))
        {
            return;
        }

        var ours = statistic(results, Ours, metric);
        var baseline = statistic(results, Baseline, metric);
        var ratio = double.IsNaN(ours) || double.IsNaN(baseline) || baseline == 0 ? "–" : $"{ours / baseline:F2}";
        var verdict = met is null || double.IsNaN(ours) ? "" : met(ours) ? "yes" : "**no**";
        Console.WriteLine($"| {mode} | {label} | {Format(ours, format)} | {Format(baseline, format)} | {ratio} | {target} | {verdict} |");
    }

    private static string Format(double value, string format) => double.IsNaN(value) ? "–" : value.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
}
