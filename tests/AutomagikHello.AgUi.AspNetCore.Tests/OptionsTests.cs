using AutomagikHello.AgUi.Input;
using AutomagikHello.AgUi.Threads;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void AgUiOptions_Defaults_AreTheDocumentedOnesAndValid()
    {
        var options = new AgUiOptions();

        options.MaxRequestBodyBytes.Should().Be(1024 * 1024);
        options.MaxPendingRequestBodyBytes.Should().Be(64 * 1024 * 1024);
        options.HeartbeatInterval.Should().Be(TimeSpan.FromSeconds(15));
        options.MaxRunDuration.Should().BeNull();
        options.LeaseDuration.Should().Be(TimeSpan.FromSeconds(15));
        options.LeaseRenewalInterval.Should().BeNull("a third of the lease");
        options.IncludeExceptionDetails.Should().BeFalse();
        options.MaxSummaryTextBytes.Should().Be(1024 * 1024);
        options.UnknownMembers.Should().Be(UnknownMemberHandling.Strip);
        options.LegacyInput.Should().Be(LegacyInputHandling.Translate);
        new AgUiOptionsValidator().Validate(null, options).Succeeded.Should().BeTrue();
    }

    public static TheoryData<string, Action<AgUiOptions>> InvalidOptions() => new()
    {
        { nameof(AgUiOptions.MaxRequestBodyBytes), o => o.MaxRequestBodyBytes = 0 },
        { nameof(AgUiOptions.MaxRequestBodyBytes), o => o.MaxRequestBodyBytes = long.MaxValue },
        { nameof(AgUiOptions.MaxPendingRequestBodyBytes), o => o.MaxPendingRequestBodyBytes = 0 },
        { nameof(AgUiOptions.MaxPendingRequestBodyBytes), o => o.MaxPendingRequestBodyBytes = o.MaxRequestBodyBytes },
        { nameof(AgUiOptions.MaxPendingRequestBodyBytes), o => o.MaxRequestBodyBytes = 100L * 1024 * 1024 },
        { nameof(AgUiOptions.MaxPendingRequestBodyBytes), o => o.MaxPendingRequestBodyBytes = o.MaxRequestBodyBytes + (64 * 1024) - 1 },
        { nameof(AgUiOptions.MaxPendingRequestBodyBytes), o => o.MaxPendingRequestBodyBytes = long.MinValue },
        { nameof(AgUiOptions.MaxMessages), o => o.MaxMessages = 0 },
        { nameof(AgUiOptions.HeartbeatInterval), o => o.HeartbeatInterval = TimeSpan.Zero },
        { nameof(AgUiOptions.HeartbeatInterval), o => o.HeartbeatInterval = TimeSpan.FromSeconds(-1) },
        { nameof(AgUiOptions.FlushThresholdBytes), o => o.FlushThresholdBytes = 0 },
        { nameof(AgUiOptions.MaxSummaryTextBytes), o => o.MaxSummaryTextBytes = -1 },
        { nameof(AgUiOptions.MaxRunDuration), o => o.MaxRunDuration = TimeSpan.Zero },
        { nameof(AgUiOptions.UnknownMembers), o => o.UnknownMembers = (UnknownMemberHandling)42 },
        { nameof(AgUiOptions.LegacyInput), o => o.LegacyInput = (LegacyInputHandling)42 },
        { nameof(AgUiOptions.LeaseDuration), o => o.LeaseDuration = TimeSpan.Zero },
        { nameof(AgUiOptions.LeaseRenewalInterval), o => o.LeaseRenewalInterval = TimeSpan.Zero },
        { nameof(AgUiOptions.LeaseRenewalInterval), o => o.LeaseRenewalInterval = o.LeaseDuration },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public async Task AddAgUi_InvalidOption_FailsStartUpWithAMessageNamingIt(string option, Action<AgUiOptions> configure)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAgUi(configure);
        await using var app = builder.Build();

        var start = () => app.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("AgUiOptions." + option);
    }

    [Fact]
    public void AgUiOptions_PendingBodyBytesOfExactlyOneLargestBodyPlus64KiB_IsValid()
    {
        var options = new AgUiOptions { MaxRequestBodyBytes = 1000, MaxPendingRequestBodyBytes = 1000 + (64 * 1024) };

        new AgUiOptionsValidator().Validate(null, options).Succeeded.Should().BeTrue();
    }

    [Fact]
    public void AgUiOptions_LeaseShorterThanMaxRunDuration_IsValidBecauseRunsRenewIt()
    {
        var options = new AgUiOptions { LeaseDuration = TimeSpan.FromSeconds(15), MaxRunDuration = TimeSpan.FromHours(1), LeaseRenewalInterval = TimeSpan.FromSeconds(14) };

        new AgUiOptionsValidator().Validate(null, options).Succeeded.Should().BeTrue();
        options.RenewalInterval.Should().Be(TimeSpan.FromSeconds(14));
        new AgUiOptions().RenewalInterval.Should().Be(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AddAgUi_InvalidInMemoryStoreCap_FailsStartUpNamingIt()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAgUi().Services.Configure<InMemoryThreadStoreOptions>(o => o.MaxIdleThreads = 0);
        await using var app = builder.Build();

        var start = () => app.StartAsync();

        (await start.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain(nameof(InMemoryThreadStoreOptions.MaxIdleThreads));
    }

    [Fact]
    public async Task AddAgUi_ValidInMemoryStoreCap_StartsWithTheInMemoryStore()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAgUi().Services.Configure<InMemoryThreadStoreOptions>(o => o.MaxIdleThreads = 1);
        await using var app = builder.Build();

        await app.StartAsync();

        app.Services.GetRequiredService<IThreadStore>().Should().BeOfType<InMemoryThreadStore>();
        await app.StopAsync();
    }

    [Fact]
    public async Task AddAgUi_ValidOptions_StartsAndCanBeCalledTwice()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddAgUi(o => o.MaxMessages = 5).Services.AddAgUi(o => o.HeartbeatInterval = TimeSpan.FromSeconds(1));
        await using var app = builder.Build();

        await app.StartAsync();

        var options = app.Services.GetRequiredService<IOptions<AgUiOptions>>().Value;
        options.MaxMessages.Should().Be(5);
        options.HeartbeatInterval.Should().Be(TimeSpan.FromSeconds(1));
        await app.StopAsync();
    }

    [Fact]
    public void AddAgUi_ReturnsABuilderOverTheSameServices()
    {
        var services = new ServiceCollection();

        var builder = services.AddAgUi();

        builder.Services.Should().BeSameAs(services);
    }
}
