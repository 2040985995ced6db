using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading;
using WhatsappPhone.Connection;
using WhatsappPhone.Models;
using Xunit;

namespace WhatsappPhone.Tests.Cmdlets;

/// <summary>
/// Watch-WaPhoneNumber in a runspace against a loopback Graph whose listings change from one poll
/// to the next. The watch waits on a test clock set on its -Context, so several polls take no time.
/// </summary>
[Collection(EnvironmentVariableCollection.Name)]
public sealed class WatchWaPhoneNumberTests : RunspaceTest
{
    private const string Waba = "114503234599312";
    private const string OtherWaba = "104996122399160";
    private const string A = "107878721936019";
    private const string B = "106540352242922";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "wa-watch-cmdlet-" + Guid.NewGuid().ToString("N"));

    public WatchWaPhoneNumberTests() => Directory.CreateDirectory(_dir);

    public override void Dispose()
    {
        base.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The recorded number with its id and Graph fields replaced.</summary>
    private static JsonObject Number(string id, params (string Field, string Value)[] fields)
    {
        var json = JsonNode.Parse(TestSupport.Recorded("registered_number_with_success_response"))!.AsObject();
        json["id"] = id;
        foreach (var (field, value) in fields) json[field] = value;
        return json;
    }

    private static string Page(params JsonObject[] numbers) => new JsonObject { ["data"] = new JsonArray(numbers.Select(n => (JsonNode)n).ToArray()) }.ToJsonString();

    /// <summary>
    /// A Graph whose answer to the first page of an account's listing depends on how many times
    /// that account was listed (1 for the first poll); anything else is answered by <paramref name="other"/>.
    /// {origin} in an answer becomes the server's own http://127.0.0.1:port.
    /// </summary>
    private static RecordingGraph Graph(Func<string, int, (int, string)> listing, Func<string, (int, string)>? other = null)
    {
        var polls = new Dictionary<string, int>();
        return new RecordingGraph(request =>
        {
            var match = Regex.Match(request.Url!.AbsolutePath, "^/v[0-9.]+/([0-9]+)/phone_numbers$");
            if (!match.Success || request.QueryString["after"] != null) return other?.Invoke(request.Url.PathAndQuery) ?? (404, "{}");
            var account = match.Groups[1].Value;
            int poll;
            lock (polls) polls[account] = poll = polls.TryGetValue(account, out var n) ? n + 1 : 1;
            var (status, body) = listing(account, poll);
            return (status, body.Replace("{origin}", request.Url.GetLeftPart(UriPartial.Authority)));
        });
    }

    private static int Listings(RecordingGraph graph, string account) =>
        graph.Requests.Count(r => r.Url.StartsWith($"/v25.0/{account}/phone_numbers?", StringComparison.Ordinal) && !r.Url.Contains("after="));

    private const string Token = "EAAG-watch-test-token";

    /// <summary>A connection to the graph (account <see cref="Waba"/>) that waits on <paramref name="clock"/>.</summary>
    private WaContext Connect(RecordingGraph graph, TestClock clock)
    {
        var ctx = (WaContext)Run($"Connect-WaAccount -AccessToken {Token} -BaseUri {graph.Uri} -MaxRetries 0 -BusinessAccountId {Waba} -PassThru").Output.Single().BaseObject;
        ctx.Clock = clock;
        return ctx;
    }

    /// <summary>Runs <paramref name="watch"/> with $ctx, a connection to the graph waiting on <paramref name="clock"/>.</summary>
    private Result Watch(RecordingGraph graph, TestClock clock, string watch) => RunWithInput($"$ctx = @($input)[0]; {watch}", Connect(graph, clock));

    private static IEnumerable<string> Lines(Result r) =>
        r.Output.Select(o => (PhoneNumberChange)o.BaseObject).Select(c => $"{c.PhoneNumberId} {c.Change} {c.NewValue} {c.Source}");

    private string State => Path.Combine(_dir, "state.json");

    [Fact]
    public void Polls_follow_the_interval_on_the_clock_until_the_timeout_and_each_change_is_written_once()
    {
        using var graph = Graph((_, poll) => (200, Page(Number(A, ("quality_rating", poll >= 3 ? "RED" : "GREEN")), Number(B))));
        var clock = new TestClock();

        var r = Watch(graph, clock, "Watch-WaPhoneNumber -Context $ctx -PollIntervalSec 300 -TimeoutSec 1000 -Verbose");

        Assert.Empty(r.Errors);
        Assert.Equal(new[] { $"{A} QualityDown RED Poll" }, Lines(r));
        // Polls at 0, 300, 600 and 900 s; then the wait ends at the timeout.
        Assert.Equal(4, Listings(graph, Waba));
        Assert.Equal(new[] { 300.0, 300, 300, 100 }, clock.Waits.Select(w => w.TotalSeconds));
        Assert.Contains(r.Verbose, v => v.Contains("baseline"));
        Assert.Contains(r.Verbose, v => v.Contains("Stopped after 1000 s"));
    }

    [Fact]
    public void A_failed_listing_is_an_error_for_its_account_and_no_number_of_it_is_reported_removed()
    {
        using var graph = Graph((account, poll) => account == OtherWaba && poll == 2
            ? (500, "{\"error\":{\"message\":\"An unknown error occurred\",\"type\":\"OAuthException\",\"code\":1,\"is_transient\":true,\"fbtrace_id\":\"AbC\"}}")
            : account == OtherWaba ? (200, Page(Number(B, ("status", poll >= 3 ? "BANNED" : "DISCONNECTED"))))
            : (200, Page(Number(A, ("quality_rating", poll >= 2 ? "YELLOW" : "GREEN")))));
        var clock = new TestClock();

        var r = Watch(graph, clock, $"Watch-WaPhoneNumber -Context $ctx -BusinessAccountId {Waba}, {OtherWaba} -PollIntervalSec 60 -TimeoutSec 150");

        var error = Assert.Single(r.Errors);
        Assert.Equal(OtherWaba, error.TargetObject);
        Assert.Contains("none is reported removed", error.ErrorDetails!.Message);
        Assert.Equal(new[] { $"{A} QualityDown YELLOW Poll", $"{B} StatusChanged BANNED Poll" }, Lines(r));
        Assert.Equal(3, Listings(graph, OtherWaba));
    }

    [Fact]
    public void A_token_refused_for_one_account_fails_neither_the_other_accounts_nor_the_next_poll()
    {
        // Graph refuses the token on the first account (no permission on it) in poll 1; a client that
        // sends nothing more after a refusal would fail the second account and every later poll.
        using var graph = Graph((account, poll) => account == OtherWaba && poll == 1
            ? (403, "{\"error\":{\"message\":\"(#200) Permissions error\",\"type\":\"OAuthException\",\"code\":200,\"fbtrace_id\":\"AbC\"}}")
            : account == OtherWaba ? (200, Page(Number(B, ("status", poll >= 3 ? "BANNED" : "DISCONNECTED"))))
            : (200, Page(Number(A, ("quality_rating", poll >= 2 ? "YELLOW" : "GREEN")))));

        var r = Watch(graph, new TestClock(), $"Watch-WaPhoneNumber -Context $ctx -BusinessAccountId {OtherWaba}, {Waba} -ThrottleLimit 1 -PollIntervalSec 60 -TimeoutSec 150");

        var error = Assert.Single(r.Errors);
        Assert.Equal((OtherWaba, "WaApi.200"), (error.TargetObject, error.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Equal(new[] { $"{A} QualityDown YELLOW Poll", $"{B} StatusChanged BANNED Poll" }, Lines(r));
        Assert.Equal((3, 3), (Listings(graph, OtherWaba), Listings(graph, Waba)));
    }

    [Fact]
    public void A_listing_cut_short_after_its_first_page_keeps_every_number_of_its_account()
    {
        var second = 0;
        using var graph = Graph(
            (_, poll) => (200, new JsonObject
            {
                ["data"] = new JsonArray(Number(A, ("quality_rating", poll >= 2 ? "RED" : "GREEN"))),
                ["paging"] = new JsonObject { ["next"] = $"{{origin}}/v25.0/{Waba}/phone_numbers?limit=100&after=MQ" },
            }.ToJsonString()),
            _ => ++second == 2 ? (503, "{\"error\":{\"message\":\"Service temporarily unavailable\",\"type\":\"OAuthException\",\"code\":2,\"is_transient\":true}}") : (200, Page(Number(B))));
        var clock = new TestClock();

        var r = Watch(graph, clock, $"Watch-WaPhoneNumber -Context $ctx -StatePath '{State}' -PollIntervalSec 60 -TimeoutSec 150");

        Assert.Single(r.Errors);
        // Poll 2 read A's new quality on page 1 but lost page 2: nothing of it counts. Poll 3 reads both pages.
        Assert.Equal(new[] { $"{A} QualityDown RED Poll" }, Lines(r));
        Assert.Contains(B, File.ReadAllText(State));
    }

    [Fact]
    public void Stopping_while_it_waits_for_the_next_poll_ends_the_watch_at_once_with_what_was_written_saved()
    {
        using var graph = Graph((_, poll) => (200, Page(Number(A, ("quality_rating", poll >= 2 ? "RED" : "GREEN")))));
        var clock = new TestClock { Held = true };
        var input = new PSDataCollection<object> { Connect(graph, clock) };
        input.Complete();
        var output = new PSDataCollection<PSObject>();
        using var ps = NewPowerShell();
        ps.AddScript($"$ctx = @($input)[0]; Watch-WaPhoneNumber -Context $ctx -StatePath '{State}' -PollIntervalSec 60");

        var running = ps.BeginInvoke(input, output);
        // Counts, not time: the watch waits on the held clock after each poll. The bound is only for a machine that is very busy.
        Assert.True(SpinWait.SpinUntil(() => clock.Waits.Count == 1, TimeSpan.FromMinutes(2)));
        clock.Advance(TimeSpan.FromSeconds(60));
        Assert.True(SpinWait.SpinUntil(() => clock.Waits.Count == 2, TimeSpan.FromMinutes(2)));
        ps.Stop();

        Assert.True(running.IsCompleted);
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        Assert.Equal(0, clock.Pending);
        Assert.Equal($"{A} QualityDown RED Poll", output.Select(o => (PhoneNumberChange)o.BaseObject).Select(c => $"{c.PhoneNumberId} {c.Change} {c.NewValue} {c.Source}").Single());
        Assert.Equal(2, Listings(graph, Waba));
        Assert.Empty(Watch(graph, new TestClock(), $"Watch-WaPhoneNumber -Context $ctx -StatePath '{State}' -Once").Output);
    }

    [Fact]
    public void Count_stops_the_watch_and_the_changes_not_written_are_reported_by_the_next_run()
    {
        var changed = false;
        using var graph = Graph((_, _) => (200, Page(
            Number(A, ("quality_rating", changed ? "RED" : "GREEN"), ("status", changed ? "CONNECTED" : "DISCONNECTED")),
            Number(B, ("name_status", changed ? "DECLINED" : "APPROVED")))));
        var once = $"Watch-WaPhoneNumber -Context $ctx -StatePath '{State}' -Once";
        Watch(graph, new TestClock(), once);
        changed = true;

        var first = Watch(graph, new TestClock(), $"Watch-WaPhoneNumber -Context $ctx -StatePath '{State}' -PollIntervalSec 60 -Count 1");
        var rest = Watch(graph, new TestClock(), once);
        var none = Watch(graph, new TestClock(), once);

        Assert.Equal(new[] { $"{A} StatusChanged CONNECTED Poll" }, Lines(first));
        Assert.Equal(new[] { $"{A} QualityDown RED Poll", $"{B} NameStatusChanged DECLINED Poll" }, Lines(rest));
        Assert.Empty(none.Output);
        Assert.Empty(first.Errors.Concat(rest.Errors).Concat(none.Errors));
    }

    [Fact]
    public void Once_on_a_new_state_takes_the_baseline_and_says_so_and_the_next_run_reports_the_change()
    {
        var quality = "GREEN";
        using var graph = Graph((_, _) => (200, Page(Number(A, ("quality_rating", quality)))));
        var once = $"Watch-WaPhoneNumber -Context $ctx -StatePath '{_dir}' -Once -Verbose";

        var baseline = Watch(graph, new TestClock(), once);
        quality = "YELLOW";
        var next = Watch(graph, new TestClock(), once);

        Assert.Empty(baseline.Output);
        Assert.Contains(baseline.Verbose, v => v.Contains("No saved state") && v.Contains("baseline"));
        Assert.Equal(new[] { $"{A} QualityDown YELLOW Poll" }, Lines(next));
        Assert.True(File.Exists(Path.Combine(_dir, "watch-state.json")));
        Assert.DoesNotContain(Token, File.ReadAllText(Path.Combine(_dir, "watch-state.json")));
        // The state and the lock file a watch holds while it runs; no temporary file left behind.
        Assert.Equal(new[] { "watch-state.json", "watch-state.json.lock" }, Directory.GetFiles(_dir).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void A_state_of_other_accounts_is_a_terminating_error_before_any_request_and_is_kept()
    {
        using var graph = Graph((_, _) => (200, Page(Number(A))));
        Watch(graph, new TestClock(), $"Watch-WaPhoneNumber -Context $ctx -StatePath '{State}' -Once");
        var saved = File.ReadAllText(State);
        var requests = graph.Count;

        var r = Watch(graph, new TestClock(), $"Watch-WaPhoneNumber -Context $ctx -BusinessAccountId {OtherWaba} -StatePath '{State}' -Once");

        var error = Assert.Single(r.Errors);
        Assert.Equal("WaWatchStateOtherAccounts,WhatsappPhone.Cmdlets.WatchWaPhoneNumberCommand", error.FullyQualifiedErrorId);
        Assert.Equal(State, error.TargetObject);
        Assert.Equal(requests, graph.Count);
        Assert.Equal(saved, File.ReadAllText(State));
    }

    [Fact]
    public void A_state_another_watch_holds_is_a_terminating_error_before_any_request_and_is_kept_and_free_once_released()
    {
        using var graph = Graph((_, _) => (200, Page(Number(A))));
        Watch(graph, new TestClock(), $"Watch-WaPhoneNumber -Context $ctx -StatePath '{State}' -Once");
        var saved = File.ReadAllText(State);
        var requests = graph.Count;

        Result refused;
        // Another watch's lock, taken as it takes it (an exclusive open of the lock file).
        using (new FileStream(State + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
            refused = Watch(graph, new TestClock(), $"Watch-WaPhoneNumber -Context $ctx -StatePath '{State}' -Once");
        var requestsWhileHeld = graph.Count;
        var stateWhileHeld = File.ReadAllText(State);
        var after = Watch(graph, new TestClock(), $"Watch-WaPhoneNumber -Context $ctx -StatePath '{State}' -Once");

        var error = Assert.Single(refused.Errors);
        Assert.Equal("WaWatchStateLocked,WhatsappPhone.Cmdlets.WatchWaPhoneNumberCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceBusy, error.CategoryInfo.Category);
        Assert.Equal(State, error.TargetObject);
        Assert.Equal(requests, requestsWhileHeld);
        Assert.Equal(saved, stateWhileHeld);
        // Released, the state is free again.
        Assert.Empty(after.Errors);
        Assert.True(graph.Count > requestsWhileHeld);
    }

    [Fact]
    public void An_unreadable_state_is_a_terminating_error_before_any_request_and_is_kept()
    {
        using var graph = Graph((_, _) => (200, Page(Number(A))));
        File.WriteAllText(State, "{ not json");

        var r = Watch(graph, new TestClock(), $"Watch-WaPhoneNumber -Context $ctx -StatePath '{State}' -Once");

        Assert.Equal("WaWatchStateUnreadable,WhatsappPhone.Cmdlets.WatchWaPhoneNumberCommand", Assert.Single(r.Errors).FullyQualifiedErrorId);
        Assert.Equal(0, graph.Count);
        Assert.Equal("{ not json", File.ReadAllText(State));
    }

    [Fact]
    public void Once_without_a_state_path_is_refused_before_any_request()
    {
        using var graph = Graph((_, _) => (200, Page(Number(A))));

        var r = Watch(graph, new TestClock(), "Watch-WaPhoneNumber -Context $ctx -Once");

        Assert.Equal("WaWatchOnceWithoutState,WhatsappPhone.Cmdlets.WatchWaPhoneNumberCommand", Assert.Single(r.Errors).FullyQualifiedErrorId);
        Assert.Equal(0, graph.Count);
    }

    [Fact]
    public void Piped_numbers_bind_their_account_once_and_never_their_own_id()
    {
        using var graph = Graph((_, _) => (200, Page(Number(A), Number(B))));
        var numbers = new[] { new PhoneNumber { Id = A, BusinessAccountId = OtherWaba }, new PhoneNumber { Id = B, BusinessAccountId = OtherWaba } };
        var r = RunWithInput($"$ctx, $numbers = @($input); $numbers | Watch-WaPhoneNumber -Context $ctx -StatePath '{State}' -Once", Connect(graph, new TestClock()), numbers);

        Assert.Empty(r.Errors);
        Assert.Equal(1, Listings(graph, OtherWaba));
        Assert.Equal(1, graph.Count);
    }

    [Fact]
    public void Piped_business_accounts_are_watched()
    {
        using var graph = Graph((_, _) => (200, Page(Number(A))));
        var accounts = new[] { new BusinessAccount { Id = Waba }, new BusinessAccount { Id = OtherWaba } };
        var r = RunWithInput($"$ctx, $accounts = @($input); $accounts | Watch-WaPhoneNumber -Context $ctx -StatePath '{State}' -Once", Connect(graph, new TestClock()), accounts);

        Assert.Empty(r.Errors);
        Assert.Equal((1, 1), (Listings(graph, Waba), Listings(graph, OtherWaba)));
    }
}
