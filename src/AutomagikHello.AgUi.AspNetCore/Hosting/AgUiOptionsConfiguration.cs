using System.Globalization;
using AutomagikHello.AgUi.Input;
using AutomagikHello.AgUi.Threads;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>
/// Binds <see cref="AgUiOptions"/> from the application's <see cref="AgUiOptions.SectionName"/> configuration section
/// (appsettings.json, environment variables such as <c>AgUi__HeartbeatInterval</c>, …) before the code's own
/// configuration runs, so code can still override a setting. Without an <see cref="IConfiguration"/> service nothing is
/// bound. Every setting that is a plain value can be set; a value that does not parse, or a key that names no setting
/// (a typo), fails start-up naming the key. Bound by hand rather than by the binder: no reflection, and
/// <see cref="AgUiOptions.Capabilities"/> and <see cref="AgUiOptions.OwnerResolver"/> are code, not configuration.
/// </summary>
internal sealed class AgUiOptionsConfiguration(IServiceProvider services) : IConfigureOptions<AgUiOptions>
{
    public void Configure(AgUiOptions options)
    {
        if (services.GetService<IConfiguration>()?.GetSection(AgUiOptions.SectionName) is not { } section)
        {
            return;
        }

        foreach (var setting in section.GetChildren())
        {
            Bind(options, setting);
        }
    }

    private static void Bind(AgUiOptions options, IConfigurationSection setting)
    {
        var value = setting.Value;
        switch (setting.Key.ToUpperInvariant())
        {
            case "MAXREQUESTBODYBYTES": options.MaxRequestBodyBytes = Parse<long>(setting, value); break;
            case "MAXPENDINGREQUESTBODYBYTES": options.MaxPendingRequestBodyBytes = Parse<long>(setting, value); break;
            case "MAXMESSAGES": options.MaxMessages = Parse<int>(setting, value); break;
            case "HEARTBEATINTERVAL": options.HeartbeatInterval = ParseTimeSpan(setting, value); break;
            case "FLUSHTHRESHOLDBYTES": options.FlushThresholdBytes = Parse<int>(setting, value); break;
            case "MAXSUMMARYTEXTBYTES": options.MaxSummaryTextBytes = Parse<int>(setting, value); break;
            case "MAXRUNDURATION": options.MaxRunDuration = string.IsNullOrEmpty(value) ? null : ParseTimeSpan(setting, value); break;
            case "INCLUDEEXCEPTIONDETAILS": options.IncludeExceptionDetails = ParseBoolean(setting, value); break;
            case "UNKNOWNMEMBERS": options.UnknownMembers = ParseEnum<UnknownMemberHandling>(setting, value); break;
            case "LEGACYINPUT": options.LegacyInput = ParseEnum<LegacyInputHandling>(setting, value); break;
            case "RESUMEVALIDATION": options.ResumeValidation = ParseEnum<ResumeValidationMode>(setting, value); break;
            case "LEASEDURATION": options.LeaseDuration = ParseTimeSpan(setting, value); break;
            case "LEASERENEWALINTERVAL": options.LeaseRenewalInterval = string.IsNullOrEmpty(value) ? null : ParseTimeSpan(setting, value); break;
            case "INSTANCEID": options.InstanceId = Required(setting, value); break;
            case "REQUIREAUTHENTICATEDOWNER": options.RequireAuthenticatedOwner = ParseBoolean(setting, value); break;
            case "APPROVERPOLICY": options.ApproverPolicy = string.IsNullOrEmpty(value) ? null : value; break;
            default:
                throw Invalid(setting, "names no AgUiOptions setting that configuration can set (Capabilities and OwnerResolver are set in code)");
        }
    }

    private static string Required(IConfigurationSection setting, string? value) =>
        string.IsNullOrEmpty(value) ? throw Invalid(setting, "has no value") : value;

    private static T Parse<T>(IConfigurationSection setting, string? value) where T : IParsable<T> =>
        T.TryParse(Required(setting, value), CultureInfo.InvariantCulture, out var parsed) ? parsed : throw Invalid(setting, $"'{value}' is not a whole number");

    private static TimeSpan ParseTimeSpan(IConfigurationSection setting, string? value) =>
        TimeSpan.TryParse(Required(setting, value), CultureInfo.InvariantCulture, out var parsed) ? parsed : throw Invalid(setting, $"'{value}' is not a time span such as 00:00:15");

    private static bool ParseBoolean(IConfigurationSection setting, string? value) =>
        bool.TryParse(Required(setting, value), out var parsed) ? parsed : throw Invalid(setting, $"'{value}' is not true or false");

    private static TEnum ParseEnum<TEnum>(IConfigurationSection setting, string? value) where TEnum : struct, Enum =>
        Enum.TryParse<TEnum>(Required(setting, value), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !char.IsAsciiDigit(value![0])
            ? parsed
            : throw Invalid(setting, $"'{value}' is not one of {string.Join(", ", Enum.GetNames<TEnum>())}");

    private static InvalidOperationException Invalid(IConfigurationSection setting, string problem) =>
        new($"Configuration '{setting.Path}' {problem}.");
}
