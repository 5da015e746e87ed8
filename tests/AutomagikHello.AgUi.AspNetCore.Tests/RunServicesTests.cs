using AutomagikHello.AgUi.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

/// <summary><see cref="AgUiRun.Services"/> over HTTP is the request's scope, created when the agent first asks for it.</summary>
public sealed class RunServicesTests
{
    private const string Path = "/agents/test";

    [Fact]
    public async Task Run_AgentResolvesServices_GetsTheRequestsScopedAndKeyedInstances()
    {
        var seen = new List<(Scoped FromRun, Scoped FromRequest, Scoped Keyed, Scoped KeyedFromRequest)>();
        await using var host = await TestHost.StartAsync(
            app => app.MapAgUi(Path, (run, _) =>
            {
                var request = run.GetHttpContext()!.RequestServices;
                lock (seen)
                {
                    seen.Add((
                        run.Services.GetRequiredService<Scoped>(),
                        request.GetRequiredService<Scoped>(),
                        run.Services.GetRequiredKeyedService<Scoped>("k"),
                        request.GetRequiredKeyedService<Scoped>("k")));
                }

                return ValueTask.FromResult(AgentOutcome.Success());
            }),
            services: services => services.AddScoped<Scoped>().AddKeyedScoped<Scoped>("k"));

        for (var i = 0; i < 2; i++)
        {
            (await Sse.RunAsync(host.Client, Path, RunInputs.Json(RunInputs.NewThreadId()))).Types.Should().EndWith("RUN_FINISHED");
        }

        seen.Should().HaveCount(2);
        foreach (var (fromRun, fromRequest, keyed, keyedFromRequest) in seen)
        {
            fromRun.Should().BeSameAs(fromRequest);
            keyed.Should().BeSameAs(keyedFromRequest).And.NotBeSameAs(fromRun);
        }

        seen[0].FromRun.Should().NotBeSameAs(seen[1].FromRun, "each request has its own scope");
    }

    [Fact]
    public async Task Run_AgentAsksForAServiceNobodyRegistered_GetsNullOrTheContainersError()
    {
        string? optional = "unset", required = null;
        await using var host = await TestHost.StartAsync((run, _) =>
        {
            optional = run.Services.GetService<Scoped>()?.ToString();
            try
            {
                run.Services.GetRequiredService<Scoped>();
            }
            catch (InvalidOperationException ex)
            {
                required = ex.Message;
            }

            return ValueTask.FromResult(AgentOutcome.Success());
        });

        (await Sse.RunAsync(host.Client, "/agents/test", RunInputs.Json(RunInputs.NewThreadId()))).Types.Should().EndWith("RUN_FINISHED");

        optional.Should().BeNull();
        required.Should().Contain(nameof(Scoped));
    }

    private sealed class Scoped;
}

/// <summary>The run's services after the run: never another request's, however the server reuses the request object.</summary>
public sealed class RequestServicesOnFirstUseTests
{
    [Fact]
    public void GetService_AfterEndWithoutEarlierUse_FailsInsteadOfTakingWhateverTheRequestNowHolds()
    {
        using var root = new ServiceCollection().AddScoped<Marker>().BuildServiceProvider();
        using var runScope = root.CreateScope();
        using var nextRequestScope = root.CreateScope();
        var context = new DefaultHttpContext { RequestServices = runScope.ServiceProvider };
        var services = new RequestServicesOnFirstUse(context);

        services.End();
        context.RequestServices = nextRequestScope.ServiceProvider; // the server reused the request object

        var late = () => services.GetService(typeof(Marker));
        late.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void GetService_TakenDuringTheRun_KeepsTheRunsScopeAfterEnd()
    {
        using var root = new ServiceCollection().AddScoped<Marker>().AddKeyedScoped<Marker>("k").BuildServiceProvider();
        using var runScope = root.CreateScope();
        using var nextRequestScope = root.CreateScope();
        var context = new DefaultHttpContext { RequestServices = runScope.ServiceProvider };
        var services = new RequestServicesOnFirstUse(context);

        var during = services.GetRequiredService(typeof(Marker));
        services.End();
        context.RequestServices = nextRequestScope.ServiceProvider;

        services.GetRequiredService(typeof(Marker)).Should().BeSameAs(during).And.BeSameAs(runScope.ServiceProvider.GetRequiredService<Marker>());
        services.GetRequiredKeyedService(typeof(Marker), "k").Should().BeSameAs(runScope.ServiceProvider.GetRequiredKeyedService<Marker>("k"));
    }

    [Fact]
    public void GetService_FirstUseFromManyThreadsAtOnce_GivesEveryOneTheSameScope()
    {
        using var root = new ServiceCollection().AddScoped<Marker>().BuildServiceProvider();
        var scopes = root.GetRequiredService<IServiceScopeFactory>();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            // The request's services created on first use, as ASP.NET Core's own feature does (unsynchronised).
            var context = new DefaultHttpContext { ServiceScopeFactory = scopes };
            var services = new RequestServicesOnFirstUse(context);
            using var start = new Barrier(4);
            var seen = new object?[4];
            var threads = Enumerable.Range(0, 4).Select(i => new Thread(() =>
            {
                start.SignalAndWait();
                seen[i] = services.GetService(typeof(Marker));
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());

            seen.Should().AllSatisfy(m => m.Should().BeSameAs(seen[0]), $"attempt {attempt}: one run, one scope");
        }
    }

    private sealed class Marker;
}
