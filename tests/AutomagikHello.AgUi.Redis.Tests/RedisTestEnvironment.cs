using System.Net.Sockets;
using StackExchange.Redis;

namespace AutomagikHello.AgUi.Redis.Tests;

/// <summary>
/// Where the Redis tests find their server: the address in <c>AGUI_REDIS</c> (eng/test.sh starts a redis-server on a
/// loopback port and sets it). Under CI (<c>CI=true</c>) the tests always run, so a missing or unreachable Redis fails
/// them; elsewhere they are skipped with the reason when Redis cannot be reached.
/// </summary>
internal static class RedisTestEnvironment
{
    public const string AddressVariable = "AGUI_REDIS";

    private static readonly Lazy<string?> LazySkipReason = new(ComputeSkipReason);

    private static readonly Lazy<ConnectionMultiplexer> LazyShared = new(() => Connect());

    public static string? Address => Environment.GetEnvironmentVariable(AddressVariable) is { Length: > 0 } value ? value.Trim() : null;

    public static bool IsCI => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why the Redis tests are skipped on this machine, or <see langword="null"/> when they run.</summary>
    public static string? SkipReason => LazySkipReason.Value;

    /// <summary>One connection for the whole test run.</summary>
    public static ConnectionMultiplexer Shared => LazyShared.Value;

    /// <summary>A new connection (its own sockets); the caller disposes it.</summary>
    public static ConnectionMultiplexer Connect()
    {
        var address = Address ?? throw new InvalidOperationException(
            $"{AddressVariable} is not set. The Redis tests need a redis-server: run eng/test.sh (it starts one), or start one and export {AddressVariable}=127.0.0.1:6379."
            + (IsCI ? " Under CI (CI=true) the Redis tests must run, so they fail instead of skipping." : string.Empty));
        try
        {
            var options = ConfigurationOptions.Parse(address);
            options.ConnectTimeout = 3_000;
            options.AbortOnConnectFail = true;
            return ConnectionMultiplexer.Connect(options);
        }
        catch (RedisConnectionException ex)
        {
            throw new InvalidOperationException(
                $"Redis at {AddressVariable}={address} is unreachable: {ex.Message}"
                + (IsCI ? " Under CI (CI=true) the Redis tests must run, so they fail instead of skipping." : string.Empty), ex);
        }
    }

    private static string? ComputeSkipReason()
    {
        if (IsCI)
        {
            return null;
        }

        if (Address is not { } address)
        {
            return $"Redis tests skipped: {AddressVariable} is not set (eng/test.sh starts a redis-server and sets it; or export {AddressVariable}=host:port).";
        }

        return Reachable(address, out var problem)
            ? null
            : $"Redis tests skipped: {AddressVariable}={address} is unreachable ({problem}); start redis-server or run eng/test.sh.";
    }

    // A short TCP connect to the first endpoint of the configuration string.
    private static bool Reachable(string address, out string problem)
    {
        problem = string.Empty;
        try
        {
            var endpoint = ConfigurationOptions.Parse(address).EndPoints.FirstOrDefault();
            var (host, port) = endpoint switch
            {
                System.Net.IPEndPoint ip => (ip.Address.ToString(), ip.Port),
                System.Net.DnsEndPoint dns => (dns.Host, dns.Port == 0 ? 6379 : dns.Port),
                _ => (null, 0),
            };
            if (host is null)
            {
                problem = "no endpoint in the address";
                return false;
            }

            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            client.ConnectAsync(host, port, timeout.Token).AsTask().GetAwaiter().GetResult();
            return true;
        }
        catch (OperationCanceledException)
        {
            problem = "no answer within 2 s";
            return false;
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException)
        {
            problem = ex.Message;
            return false;
        }
    }
}

/// <summary>A fact that needs Redis: skipped with the reason on a developer machine without it, never under CI.</summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (RedisTestEnvironment.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A theory that needs Redis: skipped like <see cref="RedisFactAttribute"/>.</summary>
public sealed class RedisTheoryAttribute : TheoryAttribute
{
    public RedisTheoryAttribute()
    {
        if (RedisTestEnvironment.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>
/// Marks a test class whose tests (inherited ones included, such as the shared contract's plain facts) need Redis:
/// <see cref="RedisAwareTestFramework"/> reports them skipped, with the reason, where <see cref="RedisFactAttribute"/>
/// would skip.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresRedisAttribute : Attribute;
