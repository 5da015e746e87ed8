using AutomagikHello.AgUi.EventLog;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// The services the endpoints of one <c>MapAgUi</c> use (all singletons), each resolved once: at its first use, so
/// mapping does not open the thread store or a bus connection before the host starts. Only what belongs to a request,
/// like the authorization service, is resolved per request.
/// </summary>
internal sealed class AgUiEndpointServices(IServiceProvider services)
{
    private readonly Lazy<IRunCancellationBus?> _bus = new(services.GetService<IRunCancellationBus>);

    public RunPipeline Pipeline => field ??= services.GetRequiredService<RunPipeline>();

    public RunRequestReader Reader => field ??= services.GetRequiredService<RunRequestReader>();

    public IThreadStore Store => field ??= services.GetRequiredService<IThreadStore>();

    public TimeProvider Clock => field ??= services.GetRequiredService<TimeProvider>();

    public ThreadOwnerResolver Owners => field ??= services.GetRequiredService<ThreadOwnerResolver>();

    public AgUiOptions Options => field ??= services.GetRequiredService<IOptions<AgUiOptions>>().Value;

    public AgUiRunner Runner => field ??= services.GetRequiredService<AgUiRunner>();

    public IRunEventLog EventLog => field ??= services.GetRequiredService<IRunEventLog>();

    /// <summary>The bus that reaches runs in other processes, when one is registered.</summary>
    public IRunCancellationBus? Bus => _bus.Value;

    public ILoggerFactory Loggers => field ??= services.GetRequiredService<ILoggerFactory>();
}
