using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using AutomagikHello.AgUi.LoadClient;

// The hosting load client: starts the demo (the bench agent on AutomagikHello.AgUi.AspNetCore) and the baseline
// (bare Kestrel writing the same frames precomputed), runs the same modes against both, prints both and the ratio.
// All traffic goes to 127.0.0.1; every mode is bounded in count and time; both servers are killed at the end.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

if (!OperatingSystem.IsLinux())
{
    Console.Error.WriteLine("The load client reads /proc: Linux only.");
    return 2;
}

// This project's output is <project>/bin/<Configuration>/<tfm>/; the servers are built alongside in the same ones.
var outputDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
var framework = outputDirectory.Name;
var configuration = outputDirectory.Parent!.Name;
var repoRoot = outputDirectory;
while (repoRoot is not null && !File.Exists(Path.Combine(repoRoot.FullName, "AutomagikHello.sln")))
{
    repoRoot = repoRoot.Parent;
}

if (repoRoot is null)
{
    Console.Error.WriteLine("Run the load client from its build output inside the repository.");
    return 2;
}

string ServerAssembly(string projectDirectory, string name) =>
    Path.Combine(repoRoot.FullName, projectDirectory, "bin", configuration, framework, name + ".dll");

if (!string.Equals(configuration, "Release", StringComparison.Ordinal))
{
    Console.Error.WriteLine($"warning: built in {configuration}; measure Release builds (dotnet run -c Release).");
}

var clockTicks = ClockTicksPerSecond();
Console.WriteLine($"# Hosting load test, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine($"machine: {Environment.ProcessorCount} CPUs ({CpuModel()}), Linux {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}, {RuntimeInformation.FrameworkDescription}, {configuration}, CLK_TCK {clockTicks}");
Console.WriteLine($"options: targets {string.Join(',', options.Targets)}, modes {options.Modes}, rounds {options.Rounds}, long {options.LongStreams} x {options.LongEvents}, short {options.ShortRuns} x C{options.Concurrency}, idle {options.IdleStreams}, first-event {options.TtfeRuns}, cancel {options.CancelRuns}, reconnects {options.Reconnects}");
var loadBefore = File.ReadAllText("/proc/loadavg").Trim();
Console.WriteLine($"load average before: {loadBefore}");

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

using var handler = new SocketsHttpHandler
{
    MaxConnectionsPerServer = int.MaxValue,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
    ConnectTimeout = TimeSpan.FromSeconds(10),
    AutomaticDecompression = DecompressionMethods.None,
    UseProxy = false,
    UseCookies = false,
    AllowAutoRedirect = false,
};
using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };

// The demo's thread store per target; every server process gets its own database file or Redis key prefix.
var storeDirectory = Directory.CreateTempSubdirectory("agui-load-");
var databases = 0;
Func<IReadOnlyDictionary<string, string>> DemoEnvironment(string store) => store switch
{
    "sqlite" => () => new Dictionary<string, string>
    {
        ["Demo__Store"] = "sqlite",
        ["Demo__Sqlite"] = $"Data Source={Path.Combine(storeDirectory.FullName, $"threads-{Interlocked.Increment(ref databases)}.db")}",
    },
    "redis" => () => new Dictionary<string, string>
    {
        ["Demo__Store"] = "redis",
        ["Demo__Redis"] = options.Redis!,
        ["Demo__RedisKeyPrefix"] = $"agui-load-{Guid.NewGuid():N}:",
    },

    // The same demo build with the thread store off: what the store costs is memory / nostore.
    "nostore" => static () => new Dictionary<string, string> { ["Demo__Store"] = "none" },
    _ => static () => new Dictionary<string, string> { ["Demo__Store"] = "memory" },
};

var servers = new List<ServerProcess>();
AppDomain.CurrentDomain.ProcessExit += (_, _) => servers.ForEach(s => s.Dispose());
var results = new Results();
var modes = new LoadModes(http, results, clockTicks);
try
{
    var targets = new List<Target>();
    foreach (var name in options.Targets)
    {
        var demo = options.OursAssembly ?? ServerAssembly("samples/AutomagikHello.Demo", "AutomagikHello.Demo");
        var server = name == Report.Baseline
            ? ServerProcess.Start(name, options.BaselineAssembly ?? ServerAssembly("tests/AutomagikHello.AgUi.BaselineServer", "AutomagikHello.AgUi.BaselineServer"))
            : ServerProcess.Start(name, demo, DemoEnvironment(Target.Store(name)));
        servers.Add(server);
        targets.Add(new Target(name, server, Target.Store(name) == "redis" ? options.RedisPid : null));
    }

    foreach (var target in targets)
    {
        await target.Server.WaitReadyAsync(http, TimeSpan.FromSeconds(60));
        Console.WriteLine($"{target.Name}: pid {target.Server.Pid}, {target.Server.BaseAddress}, {target.Server.AssemblyPath}");
    }

    // Warm-up: every path tiered up (JIT, dynamic PGO) and the heaps grown before anything is measured.
    for (var warmup = 1; warmup <= options.Warmups; warmup++)
    {
        Console.WriteLine($"warm-up {warmup}/{options.Warmups}");
        foreach (var target in targets)
        {
            using var limit = Limit(options.ModeTimeout);
            await modes.LongStreamAsync(target, 3, Math.Min(options.LongEvents, LoadOptions.DefaultLongEvents), false, limit.Token);
            await modes.ShortRunsAsync(target, Math.Min(options.ShortRuns, 10_000), options.Concurrency, false, limit.Token);
            await modes.FirstEventAsync(target, Math.Min(options.TtfeRuns, 1_000), false, limit.Token);
            await modes.CancelAsync(target, Math.Min(options.CancelRuns, 200), false, limit.Token);
            if (options.Has('f') && target.Name != Report.Baseline)
            {
                await modes.VoiceBargeInAsync(target, Math.Min(options.CancelRuns, 200), false, limit.Token);
            }

            if (options.Has('g'))
            {
                await modes.ReconnectAsync(target, Math.Min(options.Reconnects, 1_000), false, limit.Token);
            }
        }
    }

    // Settle: the warm-up leaves each server compiling in the background (tiered JIT, a round's worth of methods in
    // the last-warmed one), which would land in its first measured round only. Every server waits until its CPU stops
    // moving, the same for all targets.
    foreach (var target in targets)
    {
        var (settled, waited) = await target.Server.SettleAsync(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), stop.Token);
        Console.WriteLine($"{target.Name}: {(settled ? "settled" : "still busy")} after {waited.TotalSeconds:F1} s");
    }

    for (var round = 1; round <= options.Rounds; round++)
    {
        Console.WriteLine($"round {round}/{options.Rounds}, load average {File.ReadAllText("/proc/loadavg").Trim()}");
        // Rotate which server goes first, so drift on the shared machine does not always favour one.
        var order = targets.Skip((round - 1) % targets.Count).Concat(targets.Take((round - 1) % targets.Count)).ToList();
        foreach (var mode in options.Modes)
        {
            foreach (var target in order)
            {
                using var limit = Limit(options.ModeTimeout);
                var task = mode switch
                {
                    'a' => modes.LongStreamAsync(target, options.LongStreams, options.LongEvents, true, limit.Token),
                    'b' => modes.ShortRunsAsync(target, options.ShortRuns, options.Concurrency, true, limit.Token),
                    'c' => modes.IdleStreamsAsync(target, options.IdleStreams, true, limit.Token),
                    'd' => modes.FirstEventAsync(target, options.TtfeRuns, true, limit.Token),
                    'e' => modes.CancelAsync(target, options.CancelRuns, true, limit.Token),
                    'f' => target.Name != Report.Baseline ? modes.VoiceBargeInAsync(target, options.CancelRuns, true, limit.Token) : Task.CompletedTask,
                    'g' => modes.ReconnectAsync(target, options.Reconnects, true, limit.Token),
                    _ => throw new ArgumentException($"Unknown mode {mode}."),
                };
                await task;
            }
        }
    }

    var loadAfter = File.ReadAllText("/proc/loadavg").Trim();
    Console.WriteLine($"load average after: {loadAfter}");
    Console.WriteLine();
    var rows = Report.Print(results, options);
    if (options.JsonPath is { } jsonPath)
    {
        Report.WriteJson(jsonPath, results, options, rows, new Dictionary<string, string>
        {
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            ["machine"] = $"{Environment.ProcessorCount} CPUs ({CpuModel()}), Linux {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}, {RuntimeInformation.FrameworkDescription}, {configuration}",
            ["loadAverageBefore"] = loadBefore,
            ["loadAverageAfter"] = loadAfter,
        });
        Console.WriteLine($"JSON: {jsonPath}");
    }
    return 0;
}
catch (Exception ex) when (ex is not OutOfMemoryException)
{
    Console.Error.WriteLine($"load test failed: {ex}");
    foreach (var server in servers)
    {
        Console.Error.WriteLine($"--- {server.Name} output ---{Environment.NewLine}{server.RecentOutput()}");
    }

    return 1;
}
finally
{
    foreach (var server in servers)
    {
        server.Dispose();
    }

    storeDirectory.Delete(recursive: true);
}

CancellationTokenSource Limit(TimeSpan timeout)
{
    var limit = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
    limit.CancelAfter(timeout);
    return limit;
}

static long ClockTicksPerSecond()
{
    try
    {
        using var getconf = Process.Start(new ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true, UseShellExecute = false })!;
        var text = getconf.StandardOutput.ReadToEnd().Trim();
        getconf.WaitForExit();
        return long.Parse(text, CultureInfo.InvariantCulture);
    }
    catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or FormatException)
    {
        return 100;
    }
}

static string CpuModel() =>
    File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
