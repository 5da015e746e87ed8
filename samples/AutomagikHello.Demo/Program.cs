using AutomagikHello.AgUi;
using AutomagikHello.AgUi.AspNetCore;
using AutomagikHello.AgUi.Redis;
using AutomagikHello.AgUi.Serialization;
using AutomagikHello.AgUi.Sqlite;
using AutomagikHello.AgUi.Threads;
using AutomagikHello.Demo;
using AutomagikHello.Demo.Agents;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

var builder = WebApplication.CreateBuilder(args);

var agUi = builder.Services.AddAgUi(options =>
{
    // Exception messages reach RUN_ERROR only while developing.
    options.IncludeExceptionDetails = builder.Environment.IsDevelopment();

    // Who may resolve approver-only interrupts (the voice agent's policy holds and hand-offs). Without a policy nobody
    // can: they fail closed and can only be withdrawn.
    options.ApproverPolicy = builder.Environment.IsDevelopment() ? DemoApproverAuthentication.ApproverRole : null;

    // How long a run whose end was never recorded (a crash) holds its thread; fault tests shorten it.
    options.LeaseDuration = builder.Configuration.GetValue("Demo:LeaseDuration", options.LeaseDuration);

    // Fault tests only: "X-Demo-Owner: name" makes a request that owner's, to prove another owner's runs stay hidden.
    if (builder.Environment.IsDevelopment() && builder.Configuration.GetValue("Demo:TestAgents", false))
    {
        options.OwnerResolver = context => context.Request.Headers["X-Demo-Owner"] is { Count: 1 } owner ? owner[0] : null;
    }
});

if (builder.Environment.IsDevelopment())
{
    // Development only: "X-Demo-Role: approver" makes a request an approver's (see DemoApproverAuthentication).
    builder.Services.AddAuthentication(DemoApproverAuthentication.SchemeName)
        .AddScheme<AuthenticationSchemeOptions, DemoApproverAuthentication>(DemoApproverAuthentication.SchemeName, null);
    builder.Services.AddAuthorizationBuilder()
        .AddPolicy(DemoApproverAuthentication.ApproverRole, policy => policy.RequireRole(DemoApproverAuthentication.ApproverRole));
}

// Threads (pending interrupts, leases) live in SQLite by default, in App_Data/agui-threads.db: no set-up, and an
// interrupt survives a restart. Demo:Store = sqlite | redis | memory (| none, for load tests); Demo:Sqlite and Demo:Redis override the defaults.
switch (builder.Configuration["Demo:Store"]?.Trim().ToLowerInvariant() ?? "sqlite")
{
    case "sqlite":
        agUi.AddSqliteThreadStore(builder.Configuration["Demo:Sqlite"]
            ?? $"Data Source={Path.Combine(builder.Environment.ContentRootPath, "App_Data", "agui-threads.db")}");
        break;
    case "redis":
        var redisPrefix = builder.Configuration["Demo:RedisKeyPrefix"];
        agUi.AddRedisThreadStore(builder.Configuration["Demo:Redis"] ?? "localhost:6379", options =>
        {
            if (!string.IsNullOrEmpty(redisPrefix))
            {
                options.KeyPrefix = redisPrefix;
            }
        });
        break;
    case "memory":
        break; // AddAgUi's in-memory default.
    case "none":
        // Load tests only: the hosting with no store at all, the reference the in-memory store's cost is judged against.
        builder.Services.AddSingleton<IThreadStore, PassThroughThreadStore>();
        break;
    case var other:
        throw new InvalidOperationException($"Demo:Store must be sqlite, redis, memory or none; it is '{other}'.");
}

// /healthz: whether the thread store answers (SQLite file readable, Redis up), with the store's type.
builder.Services.AddHealthChecks().AddAgUiThreadStore();

// OpenAPI describes the protocol types with the library's own JSON contract (camelCase, absent means absent).
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, AgUiJson.Options.TypeInfoResolver!));
builder.Services.AddOpenApi();

// Development only: Demo:OutboxFile makes the outbox durable (a JSON line per send), so a test can see a send that
// happened before a crash, and the approval agent's idempotency keys survive the restart.
var outboxFile = builder.Environment.IsDevelopment() ? builder.Configuration["Demo:OutboxFile"] : null;
builder.Services.AddSingleton(outboxFile is { Length: > 0 }
    ? new EmailOutbox(Path.Combine(builder.Environment.ContentRootPath, outboxFile))
    : new EmailOutbox());

var app = builder.Build();

// The demo page (wwwroot: index.html and plain ES modules, no build step). no-cache: an edited page shows on reload.
app.UseDefaultFiles();
app.UseStaticFiles(new StaticFileOptions
{
    OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
});

app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = DemoHealthReport.WriteAsync });
app.MapOpenApi(); // /openapi/v1.json
// Only /swagger requests pass through Swagger UI's middleware: it awaits the rest of the pipeline, so on every other
// request (a held run's stream, for its whole length) it would keep an async frame alive.
app.UseWhen(context => context.Request.Path.StartsWithSegments("/swagger"), swagger => swagger.UseSwaggerUI(options =>
{
    options.RoutePrefix = "swagger";
    options.SwaggerEndpoint("/openapi/v1.json", "AutomagikHello demo");
}));

var outbox = app.Services.GetRequiredService<EmailOutbox>();
// Capabilities tell a frontend which interrupts to expect (GET /agents/{name}/capabilities).
var toolApprovals = new AgentCapabilities().WithInterrupts(InterruptReasons.ToolCall);
var agents = app.MapGroup("/agents");
// Every agent but /bench (the log-off baseline) logs its runs: SSE ids, reconnect, reload (docs/reconnecting.md).
// The assistant: a model (or, with none configured, the offline scripted chat client) served through Extensions.AI.
agents.MapAgUi("/assistant", AssistantAgent.Create(app.Configuration, outbox)).WithCapabilities(toolApprovals).WithEventLog();
agents.MapAgUi("/echo", new EchoAgent()).WithEventLog();
agents.MapAgUi("/slow", new SlowAgent()).WithEventLog();
agents.MapAgUi("/bench", new BenchAgent());
agents.MapAgUi("/bench-logged", new BenchAgent()).WithEventLog(); // the same runs logged: what the log costs (docs/benchmarks.md)
agents.MapAgUi("/approval", new ApprovalAgent(outbox)).WithCapabilities(toolApprovals).WithEventLog();
agents.MapAgUi("/approval-parallel", new ApprovalAgent(outbox, emails: 3)).WithCapabilities(toolApprovals).WithEventLog();
agents.MapAgUi("/form", new FormAgent()).WithCapabilities(new AgentCapabilities().WithInterrupts(InterruptReasons.InputRequired)).WithEventLog();
agents.MapAgUi("/expiring", new ApprovalAgent(outbox, expiresAfter: TimeSpan.FromMilliseconds(builder.Configuration.GetValue("Demo:ExpiringAfterMs", 5000))))
    .WithCapabilities(toolApprovals)
    .WithEventLog();
agents.MapAgUi("/voice", new VoiceAgent(builder.Configuration.GetValue("Demo:VoiceConfidenceThreshold", VoiceAgent.DefaultConfidenceThreshold)))
    .WithCapabilities(new AgentCapabilities().WithInterrupts(
        InterruptReasons.InputRequired, VoiceAgent.PolicyHoldReason, VoiceAgent.HandoffReason, VoiceAgent.StrategyReason))
    .WithEventLog();

if (app.Environment.IsDevelopment())
{
    // Debug only: how many emails the approval agents "sent" on a thread, so tests can prove exactly-once side effects.
    if (app.Configuration.GetValue("Demo:TestAgents", false))
    {
        // Fault tests: approval whose run holds after the email is sent, so the process can be killed in that window.
        agents.MapAgUi("/approval-hold", new ApprovalAgent(outbox, holdAfterSend: true)).WithEventLog();
        // Browser tests: approval whose run fails after the email is sent, leaving the approval in doubt.
        agents.MapAgUi("/approval-fails", new ApprovalAgent(outbox, failAfterSend: true)).WithCapabilities(toolApprovals).WithEventLog();
    }

    app.MapGet("/debug/emails/{threadId}", (string threadId) => Results.Json(outbox.SentOn(threadId), DemoJsonContext.Default.IReadOnlyListSentEmail))
        .ExcludeFromDescription();
}


app.Run();

/// <summary>The demo's entry point (public so tests can host it).</summary>
public partial class Program;
