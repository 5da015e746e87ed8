using System.Diagnostics;
using System.Globalization;

namespace AutomagikHello.AgUi.BrowserTests;

/// <summary>
/// The microphone signals of the voice-mode tests, made at run time with Debian's espeak-ng and sox (eng/test.sh installs
/// them): 48 kHz mono 16-bit WAV files in a temporary folder, made once per test run.
/// </summary>
internal static class TestAudio
{
    public const string EspeakPath = "/usr/bin/espeak-ng";
    public const string SoxPath = "/usr/bin/sox";

    /// <summary>Where the spoken sentence starts in <see cref="Speech"/>: after this much digital silence.</summary>
    public const double SpeechOffsetSeconds = 1.0;

    /// <summary>What <see cref="Speech"/> says.</summary>
    public const string SpokenSentence = "Wait, stop please, I have another question.";

    private static readonly Lazy<string> Folder = new(() => Directory.CreateTempSubdirectory("agui-voice-audio-").FullName);

    /// <summary>Why the voice-mode tests are skipped here (no chromium, espeak-ng or sox, not under CI), or null.</summary>
    public static string? SkipReason => BrowserEnvironment.SkipReason
        ?? (BrowserEnvironment.IsCI || (File.Exists(EspeakPath) && File.Exists(SoxPath))
            ? null
            : $"Voice-mode tests skipped: {EspeakPath} or {SoxPath} is missing (apt-get install espeak-ng sox, or run eng/test.sh).");

    /// <summary>Digital silence for <see cref="SpeechOffsetSeconds"/>, the sentence (about 3 s, peaks at -3 dBFS), 15 s of silence (so a test is done before the file loops).</summary>
    public static string Speech => Make("speech", wav =>
    {
        var raw = Path.Combine(Folder.Value, "speech-raw.wav");
        Run(EspeakPath, "-v", "en", "-s", "165", "-w", raw, SpokenSentence);
        // espeak-ng's own leading silence is trimmed, so the sound starts exactly at the offset.
        Run(SoxPath, raw, "-r", "48000", "-b", "16", "-c", "1", wav, "silence", "1", "0.005", "0.5%", "norm", "-3",
            "pad", SpeechOffsetSeconds.ToString(CultureInfo.InvariantCulture), "15");
    });

    /// <summary>3 s of digital silence.</summary>
    public static string Silence => Make("silence", wav => Run(SoxPath, "-n", "-r", "48000", "-b", "16", "-c", "1", wav, "trim", "0", "3"));

    /// <summary>4 s of low pink noise throughout (about -44 dBFS RMS): a quiet room with a fan.</summary>
    public static string LowNoise => Make("noise", wav => Run(SoxPath, "-n", "-r", "48000", "-b", "16", "-c", "1", wav, "synth", "4", "pinknoise", "vol", "0.03"));

    /// <summary>1 s of silence, a 5 ms full-scale square click, 2 s of silence.</summary>
    public static string Click => Make("click", wav =>
        Run(SoxPath, "-n", "-r", "48000", "-b", "16", "-c", "1", wav, "synth", "0.005", "square", "1000", "vol", "0.9", "pad", "1", "2"));

    /// <summary>The length of a WAV file, in seconds (from sox).</summary>
    public static double LengthSeconds(string wav) =>
        double.Parse(Run(SoxPath, "--i", "-D", wav).Trim(), CultureInfo.InvariantCulture);

    private static string Make(string name, Action<string> make)
    {
        var wav = Path.Combine(Folder.Value, name + ".wav");
        lock (Folder)
        {
            if (!File.Exists(wav))
            {
                make(wav);
            }
        }

        return wav;
    }

    private static string Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', args)} exited {process.ExitCode}: {error}");
        }

        return output.Result;
    }
}

/// <summary>A fact that needs chromium, espeak-ng and sox: skipped with the reason without them, never under CI.</summary>
public sealed class VoiceFactAttribute : FactAttribute
{
    public VoiceFactAttribute()
    {
        if (TestAudio.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
