using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AutomagikHello.AgUi.BrowserTests;

/// <summary>
/// Data never becomes markup or script on the demo page: markup in a message comes back (echoed, streamed; in an
/// approval's arguments) as literal text; the page's DOM builder refuses a string as an event handler; the schema
/// form's ids stay valid for any property name. Every test also fails on a JavaScript error or a console error.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class PageSafetyTests(BrowserFixture fixture) : IAsyncLifetime
{
    /// <summary>An image whose error handler would set <c>window.__xss</c>, and a bold tag.</summary>
    private const string Markup = """<img src=x onerror="window.__xss=1"> and <b>bold</b>""";

    private DemoPage _demo = null!;

    public async Task InitializeAsync() => _demo = (await fixture.OpenDemoAsync())!; // null only when the tests skip

    public async Task DisposeAsync()
    {
        if (_demo is not null)
        {
            await _demo.DisposeAsync();
        }
    }

    [BrowserFact]
    public async Task Echo_MarkupInAMessage_IsShownAsText_StreamedAndAfterAReload()
    {
        await _demo.StartAsync("echo", Markup);

        await Expect(_demo.AgentTexts).ToHaveTextAsync([Markup]);
        await Expect(_demo.Page.Locator(".bubble-user .bubble-text")).ToHaveTextAsync([Markup]);
        await AssertNoMarkupRenderedAsync();

        // The conversation comes back from sessionStorage after a reload: still text.
        await _demo.Page.ReloadAsync();
        await Expect(_demo.Page.Locator(".bubble-text")).ToHaveTextAsync([Markup, Markup]);
        await AssertNoMarkupRenderedAsync();
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task Approval_MarkupInTheToolArguments_IsShownAsText_OnTheCardAndInTheToolCall()
    {
        await _demo.StartAsync("approval", Markup);

        var card = _demo.Card("Approve sendEmail?");
        await Expect(card).ToBeFocusedAsync();
        // ApprovalAgent: subject "Re: " + the first 40 characters + "…", body "Hello! You asked: " + the text.
        await Expect(card.Locator("dt")).ToHaveTextAsync(["to", "subject", "body"]);
        await Expect(card.Locator("dd")).ToHaveTextAsync(["recipient1@example.com", $"Re: {Markup[..40]}…", $"Hello! You asked: {Markup}"]);
        await AssertNoMarkupRenderedAsync();

        await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        await Expect(_demo.Said("Done: the email was sent.")).ToBeVisibleAsync();
        // The tool call's own view of the arguments, shown again once it has its result.
        await Expect(_demo.Page.Locator(".tool .tool-args dd")).ToHaveTextAsync(["recipient1@example.com", $"Re: {Markup[..40]}…", $"Hello! You asked: {Markup}"]);
        await AssertNoMarkupRenderedAsync();
        var sent = await _demo.SentEmailsAsync();
        ((string?)JsonNode.Parse((string)sent.Should().ContainSingle().Subject!["arguments"]!)!["body"]).Should().Be($"Hello! You asked: {Markup}");
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task DomBuilder_RefusesAStringAsAnEventHandler_AndFunctionHandlersStillWork()
    {
        await _demo.OpenAsync("echo");

        var result = await _demo.Page.EvaluateAsync<JsonElement>("""
            async () => {
              const { h } = await import("/js/dom.js");
              const refused = [];
              for (const name of ["onerror", "onClick", "ONLOAD", "onfocus"]) {
                try {
                  h("img", { [name]: "window.__xss = 1", src: "x" });
                  refused.push(`${name}: accepted`);
                } catch (error) {
                  refused.push(`${name}: ${error.name}`);
                }
              }
              let clicks = 0;
              const lower = h("button", { type: "button", onclick: () => { clicks += 1; } }, "one");
              const upper = h("button", { type: "button", onClick: () => { clicks += 10; } }, "two");
              lower.click();
              upper.click();
              // A plain attribute still goes through.
              const plain = h("p", { "data-note": "<b>x</b>", title: "t" }, "<i>text</i>");
              return {
                refused,
                clicks,
                inline: lower.getAttribute("onclick") ?? upper.getAttribute("onclick"),
                note: plain.getAttribute("data-note"),
                text: plain.textContent,
                children: plain.children.length,
              };
            }
            """);

        result.GetProperty("refused").EnumerateArray().Select(e => e.GetString()).Should()
            .Equal("onerror: TypeError", "onClick: TypeError", "ONLOAD: TypeError", "onfocus: TypeError");
        result.GetProperty("clicks").GetInt32().Should().Be(11, "function handlers, in either case, are listeners");
        result.GetProperty("inline").ValueKind.Should().Be(JsonValueKind.Null, "a listener is not an inline handler attribute");
        result.GetProperty("note").GetString().Should().Be("<b>x</b>");
        result.GetProperty("text").GetString().Should().Be("<i>text</i>");
        result.GetProperty("children").GetInt32().Should().Be(0);
        await _demo.Page.WaitForTimeoutAsync(200); // an image that did load "x" would have failed by now
        (await _demo.Page.EvaluateAsync<bool>("() => window.__xss === undefined")).Should().BeTrue();
        _demo.Errors.Should().BeEmpty();
    }

    [BrowserFact]
    public async Task SchemaForm_PropertyNamesWithSpacesAndSymbols_GetValidUniqueIds_ThatLabelsAndDescriptionsResolve()
    {
        await _demo.OpenAsync("echo");

        // No demo agent asks with such names, so the form module is driven directly with a schema that has them.
        var fields = await _demo.Page.EvaluateAsync<JsonElement>("""
            async () => {
              const { buildSchemaFields } = await import("/js/schema-form.js");
              const schema = {
                type: "object",
                required: ["first name", "first-name"],
                properties: {
                  "first name": { type: "string", description: "As on your card." },
                  "first-name": { type: "string", description: "The other one." },
                  "a\"b <c> & d": { type: "integer", minimum: 1 },
                  "prénom": { type: "boolean" },
                  "42": { type: "string" },
                  "  ": { type: "string" },
                },
              };
              const built = buildSchemaFields(schema);
              const form = document.createElement("form");
              form.setAttribute("aria-label", "Probe");
              form.append(...built.nodes);
              document.querySelector("main").append(form);
              built.showErrors(built.read().errors);
              return [...form.querySelectorAll("input, select, textarea")].map(control => ({
                name: control.name,
                id: control.id,
                sameId: document.querySelectorAll(`[id="${CSS.escape(control.id)}"]`).length,
                label: document.querySelector(`label[for="${CSS.escape(control.id)}"]`)?.textContent ?? null,
                describedBy: (control.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean)
                  .map(ref => document.getElementById(ref)?.textContent ?? `missing ${ref}`),
              }));
            }
            """);

        var controls = fields.EnumerateArray().ToArray();
        controls.Select(c => c.GetProperty("name").GetString()).Should().Equal("42", "first name", "first-name", "a\"b <c> & d", "prénom", "  ");
        foreach (var control in controls)
        {
            var id = control.GetProperty("id").GetString()!;
            id.Should().MatchRegex(IdToken().ToString(), "an id is one token of safe characters");
            control.GetProperty("sameId").GetInt32().Should().Be(1, $"{id} is unique on the page");
            control.GetProperty("label").GetString().Should().NotBeNull($"a label names {id}");
        }

        controls.Select(c => c.GetProperty("id").GetString()).Should().OnlyHaveUniqueItems();
        var firstName = controls[1].GetProperty("describedBy").EnumerateArray().Select(e => e.GetString()).ToArray();
        firstName.Should().Equal("As on your card.", "first name is required.");
        controls[2].GetProperty("describedBy").EnumerateArray().Select(e => e.GetString()).Should().Equal("The other one.", "first-name is required.");
        controls[3].GetProperty("describedBy").EnumerateArray().Select(e => e.GetString()).Should().Equal("1 or more · a whole number");

        // The accessibility tree agrees: each field is found by its label, and described by its hint and error.
        var probe = _demo.Page.GetByRole(AriaRole.Form, new() { Name = "Probe" });
        var first = probe.GetByRole(AriaRole.Textbox, new() { Name = "first name", Exact = true });
        // (The stylesheet puts a warning sign before an error.)
        await Expect(first).ToHaveAccessibleDescriptionAsync(new Regex("^As on your card\\. \\W*first name is required\\.$"));
        await Expect(first).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(probe.GetByRole(AriaRole.Spinbutton, new() { Name = "a\"b <c> & d" })).ToHaveAccessibleDescriptionAsync("1 or more · a whole number");
        await Expect(probe.GetByRole(AriaRole.Checkbox, new() { Name = "prénom" })).ToHaveCountAsync(1);
        _demo.Errors.Should().BeEmpty();
    }

    /// <summary>No element was made from the text, and no handler in it ran.</summary>
    private async Task AssertNoMarkupRenderedAsync()
    {
        await Expect(_demo.Conversation.Locator("img, b")).ToHaveCountAsync(0);
        (await _demo.Page.EvaluateAsync<bool>("() => window.__xss === undefined")).Should().BeTrue("no markup from the text ran");
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]*$")]
    private static partial Regex IdToken();
}
