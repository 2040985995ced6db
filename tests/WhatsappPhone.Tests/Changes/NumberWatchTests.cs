using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using WhatsappPhone.Api;
using WhatsappPhone.Changes;
using WhatsappPhone.Models;
using Xunit;
using static WhatsappPhone.Tests.TestSupport;

namespace WhatsappPhone.Tests.Changes;

/// <summary>
/// The watch engine of Watch-WaPhoneNumber: listings and single numbers read again (how a webhook is
/// applied) against the last reported state. Numbers are the recorded Graph answer with some fields
/// set to other documented values, read by the module's own mapper.
/// </summary>
public sealed class NumberWatchTests : IDisposable
{
    private const string Waba = "114503234599312";
    private const string OtherWaba = "104996122399160";
    private const string A = "107878721936019";
    private const string B = "106540352242922";
    private const string C = "113980272650307";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "wa-watch-" + Guid.NewGuid().ToString("N"));

    public NumberWatchTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The recorded number with its id and Graph fields replaced, as listed from <paramref name="account"/> (null: read by ID).</summary>
    private static PhoneNumber Number(string id, string? account = Waba, params (string Field, object? Value)[] fields)
    {
        var json = JsonNode.Parse(Recorded("registered_number_with_success_response"))!.AsObject();
        json["id"] = id;
        foreach (var (field, value) in fields) json[field] = value == null ? null : JsonValue.Create(value);
        return PhoneNumberJson.Read(JsonDocument.Parse(json.ToJsonString()).RootElement, account);
    }

    private static string Line(PhoneNumberChange c) =>
        string.Join(" ", new[] { c.PhoneNumberId, c.Change.ToString(), c.Property, c.OldValue, c.NewValue, c.Source.ToString() }.Where(p => p != null));

    /// <summary>What the cmdlet does with changes: write each, then tell the watch.</summary>
    private static List<string> Write(NumberWatch watch, IReadOnlyList<PhoneNumberChange> changes)
    {
        foreach (var c in changes) watch.Reported(c);
        return changes.Select(Line).ToList();
    }

    private static NumberWatch Baselined(params PhoneNumber[] numbers)
    {
        var watch = new NumberWatch(new[] { Waba });
        Assert.Empty(watch.ApplyPoll(Waba, numbers));
        return watch;
    }

    [Fact]
    public void The_first_listing_of_an_account_is_its_baseline_and_reports_nothing()
    {
        var watch = new NumberWatch(new[] { Waba });
        Assert.False(watch.HasBaseline(Waba));

        Assert.Empty(watch.ApplyPoll(Waba, new[] { Number(A), Number(B) }));

        Assert.True(watch.HasBaseline(Waba));
        Assert.Equal(new[] { A, B }, watch.Known.Single().Value!.Select(n => n.Id));
    }

    [Fact]
    public void A_change_seen_only_by_the_poll_is_written_once_with_source_poll()
    {
        var watch = Baselined(Number(A), Number(B));

        var first = Write(watch, watch.ApplyPoll(Waba, new[] { Number(A, Waba, ("quality_rating", "RED")), Number(B) }));
        var second = Write(watch, watch.ApplyPoll(Waba, new[] { Number(A, Waba, ("quality_rating", "RED")), Number(B) }));

        Assert.Equal(new[] { $"{A} QualityDown QualityRating GREEN RED Poll" }, first);
        Assert.Empty(second);
    }

    [Fact]
    public void A_change_applied_from_one_number_read_again_is_not_written_again_by_the_next_poll()
    {
        var watch = Baselined(Number(A), Number(B));

        // A webhook names the number; it is read again by ID, so Graph gives no account with it.
        var changes = watch.ApplyNumber(Number(A, account: null, ("quality_rating", "YELLOW"), ("status", "CONNECTED")), ChangeSource.Webhook);
        var fromWebhook = Write(watch, changes);
        var fromPoll = Write(watch, watch.ApplyPoll(Waba, new[] { Number(A, Waba, ("quality_rating", "YELLOW"), ("status", "CONNECTED")), Number(B) }));

        Assert.Equal(new[] { $"{A} StatusChanged Status DISCONNECTED CONNECTED Webhook", $"{A} QualityDown QualityRating GREEN YELLOW Webhook" }, fromWebhook);
        Assert.All(changes, c => Assert.Equal(Waba, c.BusinessAccountId));
        Assert.Empty(fromPoll);
    }

    [Fact]
    public void A_number_read_again_leaves_the_other_numbers_of_its_account_as_they_are()
    {
        var watch = Baselined(Number(A), Number(B, Waba, ("quality_rating", "YELLOW")));

        Write(watch, watch.ApplyNumber(Number(A, null, ("quality_rating", "RED")), ChangeSource.Webhook));

        // B changed meanwhile too, unannounced: only the poll sees it, and A is not repeated.
        Assert.Equal(new[] { $"{B} QualityDown QualityRating YELLOW RED Poll" },
            Write(watch, watch.ApplyPoll(Waba, new[] { Number(A, Waba, ("quality_rating", "RED")), Number(B, Waba, ("quality_rating", "RED")) })));
    }

    [Fact]
    public void A_change_not_written_is_found_again_by_the_next_poll()
    {
        var watch = Baselined(Number(A));
        var red = new[] { Number(A, Waba, ("quality_rating", "RED")) };

        var unwritten = watch.ApplyPoll(Waba, red);
        var again = Write(watch, watch.ApplyPoll(Waba, red));

        Assert.Single(unwritten);
        Assert.Equal(new[] { $"{A} QualityDown QualityRating GREEN RED Poll" }, again);
    }

    [Fact]
    public void Of_several_changes_of_one_number_only_those_written_are_known()
    {
        var watch = Baselined(Number(A));
        var after = new[] { Number(A, Waba, ("status", "CONNECTED"), ("quality_rating", "RED"), ("messaging_limit_tier", "TIER_1K")) };

        var changes = watch.ApplyPoll(Waba, after);
        watch.Reported(changes[0]); // the watch stopped after writing the first (Select-Object -First 1)

        Assert.Equal(3, changes.Count);
        Assert.Equal(new[] { $"{A} QualityDown QualityRating GREEN RED Poll", $"{A} LimitUp MessagingLimitTier TIER_250 TIER_1K Poll" },
            Write(watch, watch.ApplyPoll(Waba, after)));
        Assert.Empty(watch.ApplyPoll(Waba, after));
    }

    [Fact]
    public void A_limit_change_written_as_the_tier_makes_the_daily_limit_known_too()
    {
        var watch = Baselined(Number(A));
        var after = new[] { Number(A, Waba, ("messaging_limit_tier", "TIER_10K")) };

        Write(watch, watch.ApplyPoll(Waba, after));

        var known = watch.Known.Single().Value!.Single();
        Assert.Equal(("TIER_10K", "10000"), (known["MessagingLimitTier"], known["DailyMessageLimit"]));
        Assert.Empty(watch.ApplyPoll(Waba, after));
    }

    [Fact]
    public void Added_and_removed_numbers_are_written_once_and_a_removal_not_written_stays_known()
    {
        var watch = Baselined(Number(A), Number(B));
        var listing = new[] { Number(A), Number(C) };

        var changes = watch.ApplyPoll(Waba, listing);
        Assert.Equal(new[] { $"{B} Removed Poll", $"{C} Added Poll" }, changes.Select(Line));
        watch.Reported(changes[1]); // only the Added was written

        Assert.Equal(new[] { $"{B} Removed Poll" }, Write(watch, watch.ApplyPoll(Waba, listing)));
        Assert.Empty(watch.ApplyPoll(Waba, listing));
        Assert.Equal(new[] { A, C }, watch.Known.Single().Value!.Select(n => n.Id));
    }

    [Fact]
    public void A_number_read_again_that_is_new_to_a_watched_account_is_added_and_one_of_another_account_is_not_this_watchs()
    {
        var watch = Baselined(Number(A));

        var added = Write(watch, watch.ApplyNumber(Number(C, Waba), ChangeSource.Webhook));
        var foreign = watch.ApplyNumber(Number(B, OtherWaba), ChangeSource.Webhook);
        var unknownAccount = watch.ApplyNumber(Number(B, null), ChangeSource.Webhook);

        Assert.Equal(new[] { $"{C} Added Webhook" }, added);
        Assert.Empty(foreign);
        Assert.Empty(unknownAccount);
        Assert.Empty(watch.ApplyPoll(Waba, new[] { Number(A), Number(C) }));
    }

    [Fact]
    public void An_account_whose_listing_is_not_applied_keeps_its_numbers_for_the_next_poll()
    {
        var watch = new NumberWatch(new[] { Waba, OtherWaba });
        watch.ApplyPoll(Waba, new[] { Number(A) });
        watch.ApplyPoll(OtherWaba, new[] { Number(B, OtherWaba), Number(C, OtherWaba) });

        // This poll read the first account only: the listing of the other failed, and is not applied.
        Write(watch, watch.ApplyPoll(Waba, new[] { Number(A) }));
        var next = Write(watch, watch.ApplyPoll(OtherWaba, new[] { Number(B, OtherWaba, ("status", "BANNED")), Number(C, OtherWaba) }));

        Assert.Equal(new[] { B, C }, watch.Known.Last().Value!.Select(n => n.Id));
        Assert.Equal(new[] { $"{B} StatusChanged Status DISCONNECTED BANNED Poll" }, next);
    }

    [Fact]
    public void A_restart_on_the_saved_state_reports_what_changed_meanwhile_and_nothing_already_written()
    {
        var file = new WatchStateFile(_dir);
        var watch = Baselined(Number(A), Number(B));
        Write(watch, watch.ApplyPoll(Waba, new[] { Number(A, Waba, ("quality_rating", "RED")), Number(B) }));
        file.Save(watch, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        var restarted = file.Load(new[] { Waba })!;
        var changes = Write(restarted, restarted.ApplyPoll(Waba, new[] { Number(A, Waba, ("quality_rating", "RED")), Number(B, Waba, ("name_status", "DECLINED")) }));

        Assert.Equal(Path.Combine(_dir, WatchStateFile.FileName), file.Path);
        Assert.True(restarted.HasBaseline(Waba));
        Assert.Equal(new[] { $"{B} NameStatusChanged NameStatus AVAILABLE_WITHOUT_REVIEW DECLINED Poll" }, changes);
    }

    [Fact]
    public void A_saved_state_keeps_an_account_without_a_baseline_as_one_and_every_value_as_text()
    {
        var file = new WatchStateFile(Path.Combine(_dir, "state.json"));
        var watch = new NumberWatch(new[] { Waba, OtherWaba });
        watch.ApplyPoll(Waba, new[] { Number(A) });
        file.Save(watch, DateTime.UtcNow);

        var loaded = file.Load(new[] { OtherWaba, Waba })!;

        Assert.True(loaded.HasBaseline(Waba));
        Assert.False(loaded.HasBaseline(OtherWaba));
        var saved = loaded.Known.First().Value!.Single();
        var original = NumberSnapshot.FromPhoneNumber(Number(A));
        Assert.Equal(original.Values.OrderBy(v => v.Key), saved.Values.OrderBy(v => v.Key));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void Saving_replaces_the_whole_file_and_leaves_no_temporary_file()
    {
        var file = new WatchStateFile(Path.Combine(_dir, "state.json"));
        var watch = Baselined(Enumerable.Range(0, 200).Select(i => Number((1_100_000_000_000_000L + i).ToString())).ToArray());
        file.Save(watch, DateTime.UtcNow);
        var big = new FileInfo(file.Path).Length;

        var smaller = Baselined(Number(A));
        file.Save(smaller, DateTime.UtcNow);

        Assert.True(new FileInfo(file.Path).Length < big / 10);
        Assert.Equal(new[] { A }, file.Load(new[] { Waba })!.Known.Single().Value!.Select(n => n.Id));
        Assert.Equal(new[] { file.Path }, Directory.GetFiles(_dir));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"format\":\"WhatsappPhone.WatchState/1\",\"properties\":[\"Id\",\"Status\"],\"accounts\":[{\"id\":\"114503234599312\",\"numbers\":[[\"1\",")]
    [InlineData("[]")]
    [InlineData("{\"format\":\"something else\",\"properties\":[\"Id\"],\"accounts\":[]}")]
    [InlineData("{\"format\":\"WhatsappPhone.WatchState/1\",\"properties\":[\"Status\"],\"accounts\":[]}")]
    [InlineData("{\"format\":\"WhatsappPhone.WatchState/1\",\"properties\":[\"Id\",\"Status\"],\"accounts\":[{\"id\":\"114503234599312\",\"numbers\":[[null,\"CONNECTED\"]]}]}")]
    [InlineData("{\"format\":\"WhatsappPhone.WatchState/1\",\"properties\":[\"Id\",\"Status\"],\"accounts\":[{\"id\":\"114503234599312\",\"numbers\":[[\"1\",3]]}]}")]
    [InlineData("{\"format\":\"WhatsappPhone.WatchState/1\",\"properties\":[\"Id\",\"Status\"],\"accounts\":[{\"id\":\"114503234599312\",\"numbers\":[[\"1\"]]}]}")]
    public void A_state_that_cannot_be_read_is_refused_and_left_as_it_is(string content)
    {
        var path = Path.Combine(_dir, "state.json");
        File.WriteAllText(path, content);

        var ex = Assert.Throws<WatchStateException>(() => new WatchStateFile(path).Load(new[] { Waba }));

        Assert.Equal(WatchStateException.Unreadable, ex.ErrorId);
        Assert.Contains(path, ex.Message);
        Assert.Equal(content, File.ReadAllText(path));
    }

    [Theory]
    [InlineData(OtherWaba)]
    [InlineData(Waba, OtherWaba)]
    public void A_state_of_other_accounts_is_refused(params string[] accounts)
    {
        var file = new WatchStateFile(_dir + Path.DirectorySeparatorChar);
        file.Save(Baselined(Number(A)), DateTime.UtcNow);

        var ex = Assert.Throws<WatchStateException>(() => file.Load(accounts));

        Assert.Equal(WatchStateException.OtherAccounts, ex.ErrorId);
        Assert.Contains(Waba, ex.Message);
    }
}
