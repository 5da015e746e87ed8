using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;

/// <summary>Hosts the demo in memory with <c>Demo:Store=memory</c>, so tests never touch its App_Data folder.</summary>
public sealed class DemoFactory : WebApplicationFactory<Program>
{
    /// <inheritdoc />
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseSetting("Demo:Store", "memory");
    }
}
