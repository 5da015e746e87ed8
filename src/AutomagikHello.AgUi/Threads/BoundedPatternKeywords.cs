using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;
using Json.Schema.Keywords;

namespace AutomagikHello.AgUi.Threads;

/// <summary>
/// Limits the time a payload (the client's) can make a schema's regular expressions take: every regular expression of
/// <c>pattern</c> (also inside <c>propertyNames</c>) and <c>patternProperties</c> matches with
/// <see cref="MatchTimeout"/>, and no match of either starts once the evaluation has run for
/// <see cref="EvaluationBudget"/>. Going over either throws <see cref="RegexMatchTimeoutException"/>, which the
/// validator turns into a refusal.
/// </summary>
internal static class PatternTimeBudget
{
    /// <summary>The most one match may take: a backtracking pattern such as <c>^(a+)+$</c> stops here.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>The most the pattern keywords of one evaluation may take together (many strings, each just under the timeout).</summary>
    public static readonly TimeSpan EvaluationBudget = TimeSpan.FromMilliseconds(500);

    // Evaluation is synchronous on the caller's thread, so the deadline of the evaluation in progress is per thread.
    [ThreadStatic]
    private static long ThreadDeadline;

    /// <summary>Starts the budget of one evaluation on this thread; dispose the result when it ends.</summary>
    public static Scope Start() => new(Stopwatch.GetTimestamp() + (long)(EvaluationBudget.TotalSeconds * Stopwatch.Frequency));

    /// <summary>Throws once the evaluation in progress has used its budget.</summary>
    public static void Check()
    {
        if (ThreadDeadline != 0 && Stopwatch.GetTimestamp() > ThreadDeadline)
        {
            throw new RegexMatchTimeoutException(string.Empty, string.Empty, EvaluationBudget);
        }
    }

    /// <summary>The same regular expression, matched with <see cref="MatchTimeout"/>.</summary>
    public static Regex Bound(Regex regex) =>
        regex.MatchTimeout == Regex.InfiniteMatchTimeout ? new(regex.ToString(), regex.Options, MatchTimeout) : regex;

    /// <summary>
    /// Bounds the regular expressions of a built <c>patternProperties</c> keyword in place: each match is timed out and
    /// none starts once the evaluation has used its budget (the keyword matches every pattern against every property
    /// name inside one evaluation step). Its handler cannot be replaced like <see cref="BoundedPatternKeyword"/>: other
    /// keywords depend on its exact type.
    /// </summary>
    public static void BoundPatternProperties(KeywordData keyword)
    {
        if (keyword.Value is Dictionary<string, Regex> patterns && patterns.Values.Any(r => r is not BudgetedRegex))
        {
            keyword.Value = patterns.ToDictionary(p => p.Key, Regex (p) => p.Value as BudgetedRegex ?? new BudgetedRegex(Bound(p.Value)), StringComparer.Ordinal);
        }
    }

    /// <summary>The budget of one evaluation.</summary>
    internal readonly struct Scope : IDisposable
    {
        public Scope(long deadline) => ThreadDeadline = deadline;

        public void Dispose() => ThreadDeadline = 0;
    }
}

/// <summary><c>pattern</c>, matched within <see cref="PatternTimeBudget"/>.</summary>
internal sealed class BoundedPatternKeyword : PatternKeyword
{
    public static new BoundedPatternKeyword Instance { get; } = new();

    public override object? ValidateKeywordValue(JsonElement value) =>
        base.ValidateKeywordValue(value) is Regex regex ? PatternTimeBudget.Bound(regex) : throw new JsonSchemaException("'pattern' must be a regular expression.");

    public override KeywordEvaluation Evaluate(KeywordData keyword, EvaluationContext context)
    {
        PatternTimeBudget.Check();
        return base.Evaluate(keyword, context);
    }
}

/// <summary>
/// A regular expression that checks <see cref="PatternTimeBudget"/> before every match, then matches with a bounded
/// one. For matches made inside a library keyword (<c>patternProperties</c>), where no keyword of ours runs between them.
/// </summary>
internal sealed class BudgetedRegex : Regex
{
    public BudgetedRegex(Regex bounded)
    {
        pattern = bounded.ToString();
        roptions = bounded.Options;
        internalMatchTimeout = bounded.MatchTimeout;
        capsize = 1;
        factory = new Factory(bounded);
    }

    private sealed class Factory(Regex bounded) : RegexRunnerFactory
    {
        protected override RegexRunner CreateInstance() => new Runner(bounded);
    }

    /// <summary>Reports the bounded expression's first match from the start position (only the whole match, group 0).</summary>
    private sealed class Runner(Regex bounded) : RegexRunner
    {
        protected override void Scan(ReadOnlySpan<char> text)
        {
            PatternTimeBudget.Check();
            foreach (var match in bounded.EnumerateMatches(text, runtextstart))
            {
                Capture(0, match.Index, match.Index + match.Length);
                runtextpos = match.Index + match.Length;
                return;
            }

            runtextpos = text.Length;
        }
    }
}
