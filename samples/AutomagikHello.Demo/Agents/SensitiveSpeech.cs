using System.Text.RegularExpressions;

namespace AutomagikHello.Demo.Agents;

/// <summary>
/// The voice agent's policy check: a transcript is sensitive when it carries a payment card number (13 to 19 digits,
/// spaces or dashes between them allowed) or asks for a money transfer. Card numbers are redacted to
/// <c>**** 1234</c> (their last four digits) before the transcript is stored in an interrupt or spoken back.
/// </summary>
public static partial class SensitiveSpeech
{
    /// <summary>Whether the transcript needs an approver.</summary>
    /// <param name="transcript">What was heard.</param>
    /// <returns><see langword="true"/> for a card number or a transfer request.</returns>
    public static bool IsSensitive(string transcript) =>
        CardNumber().IsMatch(transcript) || TransferWords().IsMatch(transcript);

    /// <summary>The transcript with every card number reduced to its last four digits.</summary>
    /// <param name="transcript">What was heard.</param>
    /// <returns>The redacted transcript.</returns>
    public static string Redact(string transcript) =>
        CardNumber().Replace(transcript, static match =>
        {
            var digits = match.Value.Where(char.IsAsciiDigit).ToArray();
            return "**** " + new string(digits[^4..]);
        });

    [GeneratedRegex(@"(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex CardNumber();

    [GeneratedRegex(@"\b(?:transfer|wire)\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex TransferWords();
}
