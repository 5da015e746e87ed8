using System.Globalization;
using Microsoft.Extensions.Options;

namespace AutomagikHello.AgUi.AspNetCore;

/// <summary>Rejects <see cref="AgUiOptions"/> that cannot work, naming the option and the bad value.</summary>
internal sealed class AgUiOptionsValidator : IValidateOptions<AgUiOptions>
{
    public ValidateOptionsResult Validate(string? name, AgUiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string>? failures = null;

        if (options.MaxRequestBodyBytes < 1 || options.MaxRequestBodyBytes > Array.MaxLength)
        {
            Fail(ref failures, nameof(AgUiOptions.MaxRequestBodyBytes), options.MaxRequestBodyBytes, $"between 1 and {Array.MaxLength} bytes");
        }

        // Subtracted on the pending side, checked first so it cannot overflow: room for one body of the largest size.
        if (options.MaxPendingRequestBodyBytes < PooledBodyBuffer.MaxChunkBytes || options.MaxPendingRequestBodyBytes - PooledBodyBuffer.MaxChunkBytes < options.MaxRequestBodyBytes)
        {
            Fail(ref failures, nameof(AgUiOptions.MaxPendingRequestBodyBytes), options.MaxPendingRequestBodyBytes,
                $"at least MaxRequestBodyBytes + {PooledBodyBuffer.MaxChunkBytes} (room for one body of the largest size)");
        }

        if (options.MaxMessages < 1)
        {
            Fail(ref failures, nameof(AgUiOptions.MaxMessages), options.MaxMessages, "at least 1");
        }

        if (options.HeartbeatInterval <= TimeSpan.Zero || options.HeartbeatInterval.TotalMilliseconds > uint.MaxValue - 1)
        {
            Fail(ref failures, nameof(AgUiOptions.HeartbeatInterval), options.HeartbeatInterval, "positive (and under 49 days)");
        }

        if (options.FlushThresholdBytes < 1)
        {
            Fail(ref failures, nameof(AgUiOptions.FlushThresholdBytes), options.FlushThresholdBytes, "at least 1 byte");
        }

        if (options.MaxSummaryTextBytes < 0)
        {
            Fail(ref failures, nameof(AgUiOptions.MaxSummaryTextBytes), options.MaxSummaryTextBytes, "0 or more bytes");
        }

        if (options.MaxRunDuration is { } duration && (duration <= TimeSpan.Zero || duration.TotalMilliseconds > uint.MaxValue - 1))
        {
            Fail(ref failures, nameof(AgUiOptions.MaxRunDuration), duration, "positive (and under 49 days), or null for no limit");
        }

        if (!Enum.IsDefined(options.UnknownMembers))
        {
            Fail(ref failures, nameof(AgUiOptions.UnknownMembers), options.UnknownMembers, "a defined UnknownMemberHandling value");
        }

        if (!Enum.IsDefined(options.LegacyInput))
        {
            Fail(ref failures, nameof(AgUiOptions.LegacyInput), options.LegacyInput, "a defined LegacyInputHandling value");
        }

        if (!Enum.IsDefined(options.ResumeValidation))
        {
            Fail(ref failures, nameof(AgUiOptions.ResumeValidation), options.ResumeValidation, "a defined ResumeValidationMode value");
        }

        // Leases are renewed while the run lives, so a lease need not outlast the longest run.
        if (options.LeaseDuration <= TimeSpan.Zero || options.LeaseDuration.TotalMilliseconds > uint.MaxValue - 1)
        {
            Fail(ref failures, nameof(AgUiOptions.LeaseDuration), options.LeaseDuration, "positive (and under 49 days)");
        }
        else if (options.LeaseRenewalInterval is { } renewal && (renewal <= TimeSpan.Zero || renewal >= options.LeaseDuration))
        {
            Fail(ref failures, nameof(AgUiOptions.LeaseRenewalInterval), renewal, $"positive and shorter than LeaseDuration ({options.LeaseDuration}), or null for a third of it");
        }

        if (string.IsNullOrWhiteSpace(options.InstanceId))
        {
            Fail(ref failures, nameof(AgUiOptions.InstanceId), options.InstanceId, "a non-empty string");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Fail<T>(ref List<string>? failures, string option, T value, string expectation) =>
        (failures ??= []).Add(string.Create(CultureInfo.InvariantCulture, $"AgUiOptions.{option} must be {expectation}; it is {value}."));
}
