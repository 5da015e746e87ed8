using AutomagikHello.AgUi.Threads;
using StackExchange.Redis;

namespace AutomagikHello.AgUi.Redis;

/// <summary>Tells Redis availability failures (mapped to <see cref="ThreadStoreUnavailableException"/>) from bugs.</summary>
internal static class RedisFailures
{
    // Server replies that mean "not now" rather than "wrong command": loading, failing over, out of memory, a script
    // stuck, a read-only replica.
    private static readonly string[] UnavailablePrefixes = ["LOADING", "BUSY", "MASTERDOWN", "READONLY", "OOM", "CLUSTERDOWN", "TRYAGAIN", "NOREPLICAS"];

    public static bool IsUnavailable(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        RedisServerException server => server.Kind is RedisErrorKind.Loading or RedisErrorKind.ClusterDown or RedisErrorKind.MasterDown
                or RedisErrorKind.TryAgain or RedisErrorKind.NoReplicas or RedisErrorKind.OutOfMemory or RedisErrorKind.Busy
                or RedisErrorKind.MaxClients or RedisErrorKind.ReadOnly or RedisErrorKind.ConnectionFault or RedisErrorKind.Timeout
            || UnavailablePrefixes.Any(p => server.Message.StartsWith(p, StringComparison.Ordinal)),
        _ => false,
    };

    public static ThreadStoreUnavailableException Wrap(Exception exception, string what) =>
        new($"Redis is unavailable: {what} failed ({exception.GetType().Name}: {exception.Message}).", exception);
}
