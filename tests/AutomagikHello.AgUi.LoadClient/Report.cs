using System.Globalization;
using System.Text.Json;

namespace AutomagikHello.AgUi.LoadClient;

/// <summary>One row of the performance issue's targets table, as measured: the store against the baseline.</summary>
/// <param name="Row">What is measured (the issue's row).</param>
/// <param name="Store">The demo target measured.</param>
/// <param name="Unit">The unit of the values.</param>
/// <param name="Baseline">The baseline's median over rounds.</param>
/// <param name="Value">The store's median over rounds.</param>
/// <param name="Difference">Whether <paramref name="ByRound"/> holds differences (store minus baseline) instead of ratios.</param>
/// <param name="ByRound">Per round: the store's value divided by (or minus) the baseline's of that round.</param>
/// <param name="Median">The median of <paramref name="ByRound"/>: what the target is judged on.</param>
/// <param name="Target">The target, as the issue states it; empty for a row shown for comparison only.</param>
/// <param name="Met">Whether <paramref name="Median"/> meets it; null without a target.</param>
internal sealed record TargetRow(
    string Row,
    string Store,
    string Unit,
    double Baseline,
    double Value,
    bool Difference,
    IReadOnlyList<double> ByRound,
    double Median,
    string Target,
    bool? Met);

/// <summary>
/// Prints the results as Markdown tables: the performance issue's targets (every store against the baseline, with the
/// ratio of each round), then every metric of every server.
/// </summary>
internal static class Report
{
    public const string Baseline = "baseline";
    public const string Memory = "memory";
    public const string NoStore = "nostore";

    private enum Compare
    {
        RatioAtMost,
        RatioAtLeast,
        PlusAtMost,
    }

    public static IReadOnlyList<TargetRow> Print(Results results, LoadOptions options)
    {
        var stores = options.Targets.Where(t => t != Baseline).ToList();
        var rows = TargetRows(results, stores);
        if (rows.Count > 0)
        {
            Console.WriteLine("Targets (issue 14): the store against bare Kestrel in the same run; judged on the median of the per-round ratios.");
            Console.WriteLine();
            Console.WriteLine("| row | store | baseline | store | ratio (median of rounds) | by round | target | met |");
            Console.WriteLine("| --- | --- | ---: | ---: | ---: | --- | --- | --- |");
            foreach (var row in rows)
            {
                var plus = row.Difference;
                var byRound = string.Join(", ", row.ByRound.Select(r => plus ? $"{r:+0.000;-0.000}" : $"{r:F2}"));
                var median = plus ? $"{row.Median:+0.000;-0.000} ms" : $"{row.Median:F2}×";
                var met = row.Met switch { true => "yes", false => "**no**", null => "" };
                Console.WriteLine($"| {row.Row} | {row.Store} | {Format(row.Baseline, row.Unit)} | {Format(row.Value, row.Unit)} | {median} | {byRound} | {row.Target} | {met} |");
            }

            Console.WriteLine();
        }

        PrintAll(results, options);
        PrintStoreCost(results);
        PrintLogCost(results, stores);
        if (options.Quick)
        {
            Console.WriteLine("--quick is a smoke test: a few clock ticks of CPU per mode, too few to read the CPU rows.");
        }

        Console.WriteLine("CPU and memory: median over rounds; latencies: percentiles of every sample of every round. KB = 1024 bytes (VmRSS).");
        foreach (var store in stores)
        {
            PrintBargeIn(results, store);
        }

        return rows;
    }

    /// <summary>Writes the run (every round's value of every metric, latency percentiles, the targets) as JSON.</summary>
    public static void WriteJson(string path, Results results, LoadOptions options, IReadOnlyList<TargetRow> rows, IReadOnlyDictionary<string, string> header)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var file = File.Create(path);
        using var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        foreach (var (name, value) in header)
        {
            json.WriteString(name, value);
        }

        json.WriteStartObject("options");
        json.WriteNumber("rounds", options.Rounds);
        json.WriteString("modes", options.Modes);
        json.WriteNumber("longEvents", options.LongEvents);
        json.WriteNumber("longStreams", options.LongStreams);
        json.WriteNumber("shortRuns", options.ShortRuns);
        json.WriteNumber("concurrency", options.Concurrency);
        json.WriteNumber("idleStreams", options.IdleStreams);
        json.WriteNumber("firstEventRuns", options.TtfeRuns);
        json.WriteNumber("cancelRuns", options.CancelRuns);
        json.WriteNumber("historyWindow", Chat.HistoryWindow);
        json.WriteEndObject();

        json.WriteStartArray("targets");
        foreach (var row in rows)
        {
            json.WriteStartObject();
            json.WriteString("row", row.Row);
            json.WriteString("store", row.Store);
            json.WriteString("unit", row.Unit);
            json.WriteNumber("baseline", row.Baseline);
            json.WriteNumber("value", row.Value);
            json.WriteStartArray(row.Difference ? "minusBaselineByRound" : "ratioByRound");
            foreach (var r in row.ByRound)
            {
                json.WriteNumberValue(r);
            }

            json.WriteEndArray();
            json.WriteNumber(row.Difference ? "minusBaseline" : "ratio", row.Median);
            json.WriteString("target", row.Target);
            if (row.Met is { } met)
            {
                json.WriteBoolean("met", met);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartObject("servers");
        foreach (var target in options.Targets)
        {
            json.WriteStartObject(target);
            foreach (var metric in results.Metrics(target))
            {
                if (results.IsSamples(target, metric))
                {
                    json.WriteStartObject(metric);
                    json.WriteNumber("samples", results.Values(target, metric).Count);
                    json.WriteNumber("p50", results.Pct(target, metric, 50));
                    json.WriteNumber("p99", results.Pct(target, metric, 99));
                    json.WriteNumber("max", results.Pct(target, metric, 100));
                    json.WriteEndObject();
                }
                else
                {
                    json.WriteStartArray(metric);
                    foreach (var value in results.Values(target, metric))
                    {
                        json.WriteNumberValue(value);
                    }

                    json.WriteEndArray();
                }
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static List<TargetRow> TargetRows(Results results, List<string> stores)
    {
        var rows = new List<TargetRow>();
        void Add(string row, string store, string metric, string unit, Compare compare, double? limit, string? baselineMetric = null)
        {
            baselineMetric ??= metric;
            var baseline = results.Values(Baseline, baselineMetric);
            var values = results.Values(store, metric);
            if (baseline.Count == 0 || values.Count == 0 || baseline.Count != values.Count)
            {
                return;
            }

            // Every round measured both servers back to back, so each round's ratio stands on its own.
            var byRound = values.Zip(baseline, (v, b) => compare == Compare.PlusAtMost ? v - b : v / b).ToList();
            var median = Median(byRound);
            bool? met = limit is not { } l ? null
                : compare == Compare.RatioAtLeast ? median >= l
                : median <= l;
            var target = limit is not { } t ? ""
                : compare switch
                {
                    Compare.RatioAtLeast => $"≥ {t}×",
                    Compare.PlusAtMost => $"≤ baseline + {t} ms",
                    _ => $"≤ {t}×",
                };
            rows.Add(new TargetRow(row, store, unit, results.Median(Baseline, baselineMetric), results.Median(store, metric), compare == Compare.PlusAtMost, byRound, median, target, met));
        }

        double? For(string store, string wanted, double limit) => store == wanted ? limit : null;

        foreach (var store in stores)
        {
            Add("server CPU per 100-event run, 32 clients", store, Metrics.ShortCpuPerRun, "µs", Compare.RatioAtMost,
                store switch { "sqlite" => 2.5, Memory => 1.4, "redis" => 3, _ => null });
        }

        // Redis does part of the store's work in its own process: shown beside the server's own CPU, not judged.
        Add("server + redis-server CPU per run, 32 clients", "redis", Metrics.ShortCpuPerRunWithStore, "µs", Compare.RatioAtMost, null, Metrics.ShortCpuPerRun);

        foreach (var store in stores)
        {
            Add("runs/s at 32 clients", store, Metrics.ShortRunsPerSecond, "/s", Compare.RatioAtLeast, For(store, "sqlite", 0.4));
        }

        foreach (var store in stores)
        {
            Add("run latency p99 at 32 clients", store, Metrics.ShortRunLatencyP99, "ms", Compare.RatioAtMost, null);
        }

        foreach (var store in stores)
        {
            Add("server CPU per event, one long stream", store, Metrics.LongCpuPerEvent, "µs", Compare.RatioAtMost, store == NoStore ? null : 1.3);
        }

        foreach (var store in stores)
        {
            Add("RSS per idle open stream", store, Metrics.IdleKibPerStream, "KB", Compare.RatioAtMost, store == NoStore ? null : 1.25);
        }

        foreach (var store in stores)
        {
            Add("first-event p99, sequential runs", store, Metrics.FirstEventP99, "ms", Compare.PlusAtMost, For(store, "sqlite", 0.5));
        }

        return rows;
    }

    /// <summary>Every metric: the baseline, then each store with its ratio to the baseline.</summary>
    private static void PrintAll(Results results, LoadOptions options)
    {
        var targets = options.Targets.OrderBy(t => t == Baseline ? 0 : 1).ToList();
        Console.WriteLine($"| mode | metric | {string.Join(" | ", targets)} |");
        Console.WriteLine($"| --- | --- |{string.Concat(targets.Select(_ => " ---: |"))}");
        var long_ = $"(a) 1 stream of {options.LongEvents:N0} events";
        var short_ = $"(b) 100-event runs, {options.Concurrency} concurrent";
        var idle = $"(c) {options.IdleStreams:N0} idle open streams";
        var first = "(d) first event, sequential runs";
        var cancel = "(e) cancel → terminal frame";

        Row(results, targets, long_, "server CPU per event (µs)", Metrics.LongCpuPerEvent, Median, "F3");
        Row(results, targets, long_, "events/s (client-observed)", Metrics.LongEventsPerSecond, Median, "N0");
        Row(results, targets, long_, "client CPU per event (µs)", Metrics.LongClientCpuPerEvent, Median, "F3");
        Row(results, targets, long_, "redis-server CPU per event (µs)", Metrics.LongStoreCpuPerEvent, Median, "F3");
        Row(results, targets, short_, "server CPU per run (µs)", Metrics.ShortCpuPerRun, Median, "F1");
        Row(results, targets, short_, "runs/s", Metrics.ShortRunsPerSecond, Median, "N0");
        Row(results, targets, short_, "first event p50 (ms)", Metrics.ShortFirstEvent, P50, "F3");
        Row(results, targets, short_, "first event p99 (ms)", Metrics.ShortFirstEvent, P99, "F3");
        Row(results, targets, short_, "whole run p99 (ms)", Metrics.ShortRunLatency, P99, "F3");
        Row(results, targets, short_, "client CPU per run (µs)", Metrics.ShortClientCpuPerRun, Median, "F1");
        Row(results, targets, short_, "redis-server CPU per run (µs)", Metrics.ShortStoreCpuPerRun, Median, "F1");
        Row(results, targets, idle, "RSS per open stream (KB)", Metrics.IdleKibPerStream, Median, "F1");
        Row(results, targets, idle, "RSS before (MB)", Metrics.IdleRssBefore, Median, "F1");
        Row(results, targets, idle, "RSS after (MB)", Metrics.IdleRssAfter, Median, "F1");
        Row(results, targets, idle, "of which anonymous (KB: heaps)", Metrics.IdleAnonKibPerStream, Median, "F1");
        Row(results, targets, idle, "of which file-backed (KB: code, mapped files)", Metrics.IdleFileKibPerStream, Median, "F1");
        Row(results, targets, idle, "of which shared (KB: the JIT's code)", Metrics.IdleShmemKibPerStream, Median, "F1");
        Row(results, targets, idle, "server CPU per stream opened (µs)", Metrics.IdleCpuPerStream, Median, "F1");
        Row(results, targets, first, "p50 (ms)", Metrics.FirstEvent, P50, "F3");
        Row(results, targets, first, "p99 (ms)", Metrics.FirstEvent, P99, "F3");
        Row(results, targets, first, "server CPU per run (µs)", Metrics.FirstEventCpuPerRun, Median, "F1");
        Row(results, targets, cancel, "p50 (ms)", Metrics.CancelToTerminal, P50, "F3");
        Row(results, targets, cancel, "p99 (ms)", Metrics.CancelToTerminal, P99, "F3");
        Row(results, targets, "(g) reconnect → first replayed frame", "p50 (ms)", Metrics.ReconnectFirstFrame, P50, "F3");
        Row(results, targets, "(g) reconnect → first replayed frame", "p99 (ms)", Metrics.ReconnectFirstFrame, P99, "F3");
        Console.WriteLine();
    }

    /// <summary>Mode f against its baseline, mode e on the same server in the same run: both are cancel → terminal frame.</summary>
    private static void PrintBargeIn(Results results, string store)
    {
        if (!results.Has(store, Metrics.VoiceBargeIn))
        {
            return;
        }

        Console.WriteLine();
        Console.WriteLine($"| cancel → terminal frame ({store}) | runs | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        BargeInRow(results, store, "(f) voice barge-in: agent speaking → RUN_FINISHED(cancelled)", Metrics.VoiceBargeIn);
        BargeInRow(results, store, "(e) baseline: bench agent held silent → RUN_FINISHED(cancelled)", Metrics.CancelToTerminal);
        if (results.Has(store, Metrics.CancelToTerminal))
        {
            string Ratio(double p) => $"{results.Pct(store, Metrics.VoiceBargeIn, p) / results.Pct(store, Metrics.CancelToTerminal, p):F2}";
            Console.WriteLine($"| ratio f / e | | {Ratio(50)} | {Ratio(95)} | {Ratio(99)} | |");
        }
    }

    private static void BargeInRow(Results results, string store, string label, string metric)
    {
        if (!results.Has(store, metric))
        {
            return;
        }

        var values = results.Values(store, metric);
        Console.WriteLine($"| {label} | {values.Count} | {Format(results.Pct(store, metric, 50), "F3")} | {Format(results.Pct(store, metric, 95), "F3")} | {Format(results.Pct(store, metric, 99), "F3")} | {Format(values.Max(), "F3")} |");
    }

    // The thread store's share: the memory store against the same build with no store (Demo:Store=none), mode b.
    private static void PrintStoreCost(Results results)
    {
        var on = results.Values(Memory, Metrics.ShortCpuPerRun);
        var off = results.Values(NoStore, Metrics.ShortCpuPerRun);
        if (on.Count > 0 && on.Count == off.Count)
        {
            var ratios = on.Zip(off, (a, b) => (a / b).ToString("F2", CultureInfo.InvariantCulture));
            Console.WriteLine($"(b) server CPU per run, memory store on / off (nostore) by round: {string.Join(", ", ratios)}");
            Console.WriteLine();
        }
    }

    // The event log's share: each store's logged bench route (X-log) against its log-off one (X), round by round.
    private static void PrintLogCost(Results results, List<string> stores)
    {
        foreach (var logged in stores.Where(s => s.EndsWith(Target.LoggedSuffix, StringComparison.Ordinal)))
        {
            var store = Target.Store(logged);
            foreach (var (label, metric) in new[] { ("(a) server CPU per event", Metrics.LongCpuPerEvent), ("(b) server CPU per 100-event run", Metrics.ShortCpuPerRun), ("(b) runs/s", Metrics.ShortRunsPerSecond), ("(d) server CPU per run", Metrics.FirstEventCpuPerRun) })
            {
                var on = results.Values(logged, metric);
                var off = results.Values(store, metric);
                if (on.Count > 0 && on.Count == off.Count)
                {
                    var ratios = on.Zip(off, (a, b) => a / b).ToList();
                    Console.WriteLine($"{label}, {store} log on / off by round: {string.Join(", ", ratios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))} (median {Median(ratios):F2}×)");
                }
            }
        }

        Console.WriteLine();
    }

    private static double Median(Results results, string target, string metric) => results.Median(target, metric);

    private static double P50(Results results, string target, string metric) => results.Pct(target, metric, 50);

    private static double P99(Results results, string target, string metric) => results.Pct(target, metric, 99);

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        return Results.Percentile(sorted, 50);
    }

    private static void Row(
        Results results,
        IReadOnlyList<string> targets,
        string mode,
        string label,
        string metric,
        Func<Results, string, string, double> statistic,
        string format)
    {
        if (!targets.Any(t => results.Has(t, metric)))
        {
            return;
        }

        var baseline = statistic(results, Baseline, metric);
        var cells = targets.Select(t =>
        {
            var value = statistic(results, t, metric);
            return t == Baseline || double.IsNaN(value) || double.IsNaN(baseline) || baseline == 0
                ? Format(value, format)
                : $"{Format(value, format)} ({value / baseline:F2}×)";
        });
        Console.WriteLine($"| {mode} | {label} | {string.Join(" | ", cells)} |");
    }

    private static string Format(double value, string format) =>
        double.IsNaN(value) ? "–"
        : format switch
        {
            "µs" => value.ToString(value < 10 ? "F3" : "F1", CultureInfo.InvariantCulture) + " µs",
            "/s" => value.ToString("N0", CultureInfo.InvariantCulture),
            "KB" => value.ToString("F1", CultureInfo.InvariantCulture) + " KB",
            "ms" => value.ToString("F3", CultureInfo.InvariantCulture) + " ms",
            _ => value.ToString(format, CultureInfo.InvariantCulture),
        };
}
