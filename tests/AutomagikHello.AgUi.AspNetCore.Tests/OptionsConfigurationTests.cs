using AutomagikHello.AgUi.Threads;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AutomagikHello.AgUi.AspNetCore.Tests;

/// <summary><see cref="AgUiOptions"/> from the <c>AgUi</c> configuration section, validated when the host starts.</summary>
public sealed class OptionsConfigurationTests
{
    private static WebApplication Build(Dictionary<string, string?> settings, Action<AgUiOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddAgUi(configure);
        return builder.Build();
    }

    [Fact]
    public async Task AddAgUi_AgUiSection_BindsEverySettingThatIsAValue()
    {
        await using var app = Build(new()
        {
            ["AgUi:MaxRequestBodyBytes"] = "2048",
            ["AgUi:MaxPendingRequestBodyBytes"] = "134217728",
            ["AgUi:MaxMessages"] = "7",
            ["AgUi:HeartbeatInterval"] = "00:00:03",
            ["AgUi:FlushThresholdBytes"] = "512",
            ["AgUi:MaxSummaryTextBytes"] = "100",
            ["AgUi:MaxRunDuration"] = "00:10:00",
            ["AgUi:IncludeExceptionDetails"] = "true",
            ["AgUi:UnknownMembers"] = "Reject",
            ["AgUi:LegacyInput"] = "reject",
            ["agui:resumeValidation"] = "Lenient",
            ["AgUi:LeaseDuration"] = "00:00:30",
            ["AgUi:LeaseRenewalInterval"] = "00:00:10",
            ["AgUi:InstanceId"] = "node-a",
            ["AgUi:RequireAuthenticatedOwner"] = "True",
            ["AgUi:ApproverPolicy"] = "approvers",
        });

        await app.StartAsync();
        var options = app.Services.GetRequiredService<IOptions<AgUiOptions>>().Value;
        await app.StopAsync();

        options.MaxRequestBodyBytes.Should().Be(2048);
        options.MaxPendingRequestBodyBytes.Should().Be(134217728);
        options.MaxMessages.Should().Be(7);
        options.HeartbeatInterval.Should().Be(TimeSpan.FromSeconds(3));
        options.FlushThresholdBytes.Should().Be(512);
        options.MaxSummaryTextBytes.Should().Be(100);
        options.MaxRunDuration.Should().Be(TimeSpan.FromMinutes(10));
        options.IncludeExceptionDetails.Should().BeTrue();
        options.UnknownMembers.Should().Be(AgUi.Input.UnknownMemberHandling.Reject);
        options.LegacyInput.Should().Be(AgUi.Input.LegacyInputHandling.Reject);
        options.ResumeValidation.Should().Be(ResumeValidationMode.Lenient);
        options.LeaseDuration.Should().Be(TimeSpan.FromSeconds(30));
        options.LeaseRenewalInterval.Should().Be(TimeSpan.FromSeconds(10));
        options.InstanceId.Should().Be("node-a");
        options.RequireAuthenticatedOwner.Should().BeTrue();
        options.ApproverPolicy.Should().Be("approvers");
    }

    [Fact]
    public async Task AddAgUi_CodeConfiguration_RunsAfterTheSectionAndWins()
    {
        await using var app = Build(new() { ["AgUi:MaxMessages"] = "7", ["AgUi:FlushThresholdBytes"] = "512" }, o => o.MaxMessages = 9);

        await app.StartAsync();
        var options = app.Services.GetRequiredService<IOptions<AgUiOptions>>().Value;
        await app.StopAsync();

        options.MaxMessages.Should().Be(9);
        options.FlushThresholdBytes.Should().Be(512);
    }

    [Fact]
    public async Task AddAgUi_NoSection_KeepsTheDefaults()
    {
        await using var app = Build(new() { ["Other:MaxMessages"] = "7" });

        await app.StartAsync();
        var options = app.Services.GetRequiredService<IOptions<AgUiOptions>>().Value;
        await app.StopAsync();

        options.MaxMessages.Should().Be(new AgUiOptions().MaxMessages);
    }

    [Fact]
    public async Task AddAgUi_SectionValueTheValidatorRefuses_FailsStartUpNamingIt()
    {
        await using var app = Build(new() { ["AgUi:HeartbeatInterval"] = "00:00:00" });

        var start = () => app.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>()).Which.Message.Should().Contain("AgUiOptions.HeartbeatInterval");
    }

    [Theory]
    [InlineData("AgUi:MaxMessages", "many", "'many' is not a whole number")]
    [InlineData("AgUi:MaxRequestBodyBytes", "1.5", "'1.5' is not a whole number")]
    [InlineData("AgUi:HeartbeatInterval", "soon", "'soon' is not a time span")]
    [InlineData("AgUi:IncludeExceptionDetails", "yes", "'yes' is not true or false")]
    [InlineData("AgUi:ResumeValidation", "Loose", "'Loose' is not one of Strict, Lenient")]
    [InlineData("AgUi:ResumeValidation", "1", "'1' is not one of Strict, Lenient")]
    [InlineData("AgUi:InstanceId", "", "has no value")]
    [InlineData("AgUi:HeartbeatIntervall", "00:00:01", "names no AgUiOptions setting")]
    [InlineData("AgUi:Capabilities:Transport", "x", "names no AgUiOptions setting")]
    public async Task AddAgUi_SectionValueThatDoesNotParse_FailsStartUpNamingTheKey(string key, string value, string problem)
    {
        await using var app = Build(new() { [key] = value });

        var start = () => app.StartAsync();

        var error = (await start.Should().ThrowAsync<InvalidOperationException>()).Which;
        error.Message.Should().Contain($"Configuration '{key.Split(':')[0]}:{key.Split(':')[1]}'").And.Contain(problem);
    }
}
