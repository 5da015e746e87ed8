using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AutomagikHello.AgUi.LoadClient;

/// <summary>
/// One server under test, started from its build output with <c>dotnet app.dll</c> (so the process id is the server's)
/// on a free 127.0.0.1 port, logging at Warning, in the Production environment. Reads the process's CPU time
/// (<c>/proc/PID/stat</c> utime + stime) and resident memory (<c>/proc/PID/status</c> VmRSS). Disposing kills it.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _output = new();

    private readonly Func<IReadOnlyDictionary<string, string>>? _environment;

    private ServerProcess(string name, string assemblyPath, Func<IReadOnlyDictionary<string, string>>? environment, Process process, Uri baseAddress)
    {
        Name = name;
        AssemblyPath = assemblyPath;
        _environment = environment;
        _process = process;
        BaseAddress = baseAddress;
    }

    public string Name { get; }

    public string AssemblyPath { get; }

    public Uri BaseAddress { get; }

    public int Pid => _process.Id;

    /// <summary>Starts the server; <paramref name="environment"/> adds variables (called once per process started).</summary>
    public static ServerProcess Start(string name, string assemblyPath, Func<IReadOnlyDictionary<string, string>>? environment = null)
    {
        if (!File.Exists(assemblyPath))
        {
            throw new FileNotFoundException($"{name}: {assemblyPath} not found; build it first (dotnet build -c Release tests/AutomagikHello.AgUi.LoadClient builds both servers).", assemblyPath);
        }

        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(assemblyPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(assemblyPath);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url);
        start.Environment["ASPNETCORE_URLS"] = url;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        // Unprefixed variables override appsettings.json, which sets the demo's own categories to Information.
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        start.Environment["Logging__LogLevel__AutomagikHello"] = "Warning";
        foreach (var (key, value) in environment?.Invoke() ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var server = new ServerProcess(name, assemblyPath, environment, process, new Uri(url));
        process.OutputDataReceived += (_, e) => server.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => server.Remember(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"{name}: could not start dotnet {assemblyPath}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Starts another process of the same server and waits until it answers.</summary>
    public async Task<ServerProcess> StartAnotherAsync(HttpClient http)
    {
        var fresh = Start(Name, AssemblyPath, _environment);
        try
        {
            await fresh.WaitReadyAsync(http, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            return fresh;
        }
        catch
        {
            fresh.Dispose();
            throw;
        }
    }

    /// <summary>Waits until the server answers HTTP (any status).</summary>
    public async Task WaitReadyAsync(HttpClient http, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}:{Environment.NewLine}{RecentOutput()}");
            }

            try
            {
                using var response = await http.GetAsync(BaseAddress).ConfigureAwait(false);
                return;
            }
            catch (HttpRequestException) when (Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The server's CPU time so far (user + system), in clock ticks.</summary>
    public long ReadCpuTicks() => ReadCpuTicks(Pid);

    /// <summary>A process's CPU time so far (user + system), in clock ticks.</summary>
    public static long ReadCpuTicks(int pid)
    {
        // Fields after the command name, which is in parentheses and may contain spaces: state is field 3,
        // utime field 14, stime field 15.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Waits until the server's CPU stops moving: a span of <paramref name="idle"/> in which it used at most one clock
    /// tick (a timer's wake-up), or <paramref name="limit"/> at most. Returns whether it settled, and how long it took.
    /// </summary>
    public async Task<(bool Settled, TimeSpan Waited)> SettleAsync(TimeSpan idle, TimeSpan limit, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var spanStarted = started;
        var spanTicks = ReadCpuTicks();
        while (Stopwatch.GetElapsedTime(started) < limit)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
            var ticks = ReadCpuTicks();
            if (ticks - spanTicks > 1)
            {
                spanStarted = Stopwatch.GetTimestamp();
                spanTicks = ticks;
            }
            else if (Stopwatch.GetElapsedTime(spanStarted) >= idle)
            {
                return (true, Stopwatch.GetElapsedTime(started));
            }
        }

        return (false, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>The server's resident set size, in KiB.</summary>
    public long ReadRssKib()
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return StatusKib(line);
            }
        }

        throw new InvalidOperationException($"{Name}: no VmRSS in /proc/{Pid}/status");
    }

    /// <summary>
    /// VmRSS's parts (KiB): anonymous memory (the heaps), file-backed pages (code, mapped files) and shared memory
    /// (on Linux the JIT's double-mapped code), so a change in RSS can be told apart from code compiled meanwhile.
    /// </summary>
    public (long Anon, long File, long Shmem) ReadRssPartsKib()
    {
        long anon = 0, file = 0, shmem = 0;
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
            {
                anon = StatusKib(line);
            }
            else if (line.StartsWith("RssFile:", StringComparison.Ordinal))
            {
                file = StatusKib(line);
            }
            else if (line.StartsWith("RssShmem:", StringComparison.Ordinal))
            {
                shmem = StatusKib(line);
            }
        }

        return (anon, file, shmem);
    }

    /// <summary>The value of a <c>/proc/PID/status</c> line such as <c>VmRSS:   123 kB</c>.</summary>
    private static long StatusKib(string line) =>
        long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);

    public string RecentOutput()
    {
        lock (_output)
        {
            return string.Join(Environment.NewLine, _output);
        }
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            while (_output.Count > 50)
            {
                _output.Dequeue();
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }
}
