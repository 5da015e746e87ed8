using AutomagikHello.Demo.Agents;

namespace AutomagikHello.AgUi.AspNetCore.Tests.Voice;

/// <summary>The voice agent's policy check and redaction.</summary>
public sealed class SensitiveSpeechTests
{
    [Theory]
    [InlineData("pay with 4111111111111111", true)]
    [InlineData("pay with 4111 1111 1111 1111", true)]
    [InlineData("pay with 4111-1111-1111-1111", true)]
    [InlineData("pay with 4111 1111 1111 1", true)]            // 13 digits
    [InlineData("please Transfer 20 euros", true)]
    [InlineData("wire it to Ann", true)]
    [InlineData("pay with 4111 1111 1111", false)]              // 12 digits: not a card number
    [InlineData("my order is 12345678", false)]
    [InlineData("is this ticket transferable", false)]          // a word that merely starts with "transfer"
    [InlineData("what is my balance", false)]
    public void IsSensitive_CardNumbersAndTransfers(string transcript, bool sensitive) =>
        SensitiveSpeech.IsSensitive(transcript).Should().Be(sensitive);

    [Theory]
    [InlineData("card 4111 1111 1111 1234 please", "card **** 1234 please")]
    [InlineData("4111-1111-1111-9876 and 5500000000000004", "**** 9876 and **** 0004")]
    [InlineData("no card here", "no card here")]
    public void Redact_KeepsOnlyTheLastFourDigits(string transcript, string redacted) =>
        SensitiveSpeech.Redact(transcript).Should().Be(redacted);
}
