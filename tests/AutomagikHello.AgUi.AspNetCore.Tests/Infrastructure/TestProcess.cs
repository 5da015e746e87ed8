using System.Runtime.CompilerServices;

namespace AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;

/// <summary>Process-wide settings of the test run.</summary>
internal static class TestProcess
{
    /// <summary>
    /// On a 2-core machine the thread pool starts with two workers; while the test runner and the servers start up they
    /// can all be busy, and timer callbacks (heartbeats, max durations) then wait for thread injection for half a
    /// second or more. A higher minimum keeps timing tests about the library, not about the pool's warm-up.
    /// </summary>
    [ModuleInitializer]
    internal static void Initialize()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
    }
}
