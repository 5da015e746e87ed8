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

        if (options.MaxSummaryTextBytes < 0)
        {
            Fail(ref failures, nameof(AgUiOptions.MaxSummaryTextBytes), options.MaxSummaryTextBytes, "0 or more bytes");
        }

        if (!Enum.IsDefined(options.UnknownMembers))
        {
            Fail(ref failures, nameof(AgUiOptions.UnknownMembers), options.UnknownMembers, "a defined UnknownMemberHandling value");
        }

        if (!Enum.IsDefined(options.LegacyInput))
        {
            Fail(ref failures, nameof(AgUiOptions.LegacyInput), options.LegacyInput, "a defined LegacyInputHandling value");
        }

        // The run settings (heartbeat, flushing, max duration, lease, instance id, resume validation) are the runner's.
        foreach (var failure in options.Validate())
        {
            (failures ??= []).Add(failure);
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Fail<T>(ref List<string>? failures, string option, T value, string expectation) =>
        (failures ??= []).Add(string.Create(CultureInfo.InvariantCulture, $"AgUiOptions.{option} must be {expectation}; it is {value}."));
}
