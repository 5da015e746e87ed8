using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;

namespace AutomagikHello.AgUi.BrowserTests;

/// <summary>
/// Serves a folder of built static files (a frontend bundle) under <paramref name="requestPath"/>, ahead of the app's
/// own pipeline: the test host's way to put a page on the demo's origin without changing the demo. Nothing is served
/// when the folder does not exist.
/// </summary>
internal sealed class StaticBundle(string requestPath, string directory) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        if (Directory.Exists(directory))
        {
            app.UseStaticFiles(new StaticFileOptions
            {
                RequestPath = new PathString(requestPath),
                FileProvider = new PhysicalFileProvider(directory),
            });
        }

        next(app);
    };
}
