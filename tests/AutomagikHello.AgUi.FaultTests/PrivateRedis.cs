using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AutomagikHello.AgUi.Redis.Tests;

namespace AutomagikHello.AgUi.FaultTests;

/// <summary>
/// A redis-server of the test's own (a free loopback port, append-only file fsynced on every write, in a temp folder),
/// so the test can stop and restart it without disturbing the shared one in <c>AGUI_REDIS</c>.
/// </summary>
internal sealed class PrivateRedis : IDisposable
{
    private readonly string _dir;
    private Process? _process;

    public PrivateRedis(string dir)
    {
        _dir = dir;
        Port = FreePort();
    }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    /// <summary>The redis-server on PATH, or <see langword="null"/>.</summary>
    public static string? Executable =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "redis-server"))
            .FirstOrDefault(File.Exists);

    public async Task StartAsync()
    {
        var info = new ProcessStartInfo(Executable ?? throw new InvalidOperationException("redis-server is not on PATH (eng/test.sh installs it)."))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _dir,
            "--save", string.Empty, "--appendonly", "yes", "--appendfsync", "always",
        })
        {
            info.ArgumentList.Add(argument);
        }

        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"redis-server did not listen on {Address} within 20 s.");
    }

    /// <summary>SIGKILL; every write was fsynced, so a restart on the same folder has all the data.</summary>
    public void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process?.Dispose();
        _process = null;
    }

    public void Dispose() => Stop();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A fact that starts its own redis-server: skipped with the reason without one on PATH, never under CI.</summary>
public sealed class RedisServerFactAttribute : FactAttribute
{
    public RedisServerFactAttribute()
    {
        if (!RedisTestEnvironment.IsCI && PrivateRedis.Executable is null)
        {
            Skip = "redis-server is not on PATH (eng/test.sh installs it); under CI=true this test runs and fails instead.";
        }
    }
}
