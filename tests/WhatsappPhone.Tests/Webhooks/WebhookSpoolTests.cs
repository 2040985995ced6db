using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using WhatsappPhone.Models.Webhooks;
using WhatsappPhone.Webhooks;
using WhatsappPhone.Webhooks.Http;
using Xunit;
using static WhatsappPhone.Tests.TestSupport;
using static WhatsappPhone.Tests.Webhooks.WebhookTraffic;

namespace WhatsappPhone.Tests.Webhooks;

/// <summary>-SpoolPath: a 200 once a body is on disk, written out in arrival order, kept across a restart, never lost, never silently deleted.</summary>
public sealed class WebhookSpoolTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "wa-spool-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new HttpClient { Timeout = Generous };
    private readonly List<WebhookIntake> _intakes = new List<WebhookIntake>();

    public void Dispose()
    {
        foreach (var i in _intakes) i.Dispose();
        _http.Dispose();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private (WebhookIntake Intake, string Prefix) Start(string? secret = null)
    {
        var prefix = FreePrefix();
        var intake = new WebhookIntake(ListenPrefix.Parse(prefix), Secure(secret ?? Secret), null, _folder, null);
        _intakes.Add(intake);
        intake.Start();
        return (intake, prefix);
    }

    private static string[] Entries(string folder) =>
        Directory.GetFiles(folder, "*.json").Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray()!;

    /// <summary>Takes what is ready now, writing every event (or the first <paramref name="writeAtMost"/> of all).</summary>
    private static List<IntakeNotification> Drain(WebhookIntake intake, int writeAtMost = int.MaxValue)
    {
        var taken = new List<IntakeNotification>();
        while (intake.Take(0, CancellationToken.None) is { } item)
        {
            if (item is not IntakeNotification n) continue;
            taken.Add(n);
            var k = Math.Min(writeAtMost, n.Events.Count);
            writeAtMost -= k;
            intake.Complete(n, k);
        }
        return taken;
    }

    [Fact]
    public async Task A_signed_notification_is_on_disk_exactly_as_sent_before_it_is_answered_200_and_nothing_else_is_there()
    {
        var (intake, prefix) = Start();
        var bodies = Enumerable.Range(1, 3).Select(Notification).ToArray();
        foreach (var b in bodies) Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(Post(prefix, b))).StatusCode);

        // Nobody took them yet: the 200s rest on the files alone.
        var names = Entries(_folder);
        Assert.Equal(3, names.Length);
        Assert.Equal(bodies, names.Select(n => File.ReadAllText(Path.Combine(_folder, n))));
        Assert.Equal(bodies.Select(b => Sign(b).Substring(7)), names.Select(n => n.Substring(13, 64)));
        // Besides the entries, only the lock file (held, and empty) is there.
        Assert.Equal(new[] { "spool.lock" }, Directory.GetFiles(_folder).Select(Path.GetFileName).Except(names));
        Assert.All(names, n => Assert.DoesNotContain(Secret, File.ReadAllText(Path.Combine(_folder, n)), StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_folder));
            Assert.All(names, n => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_folder, n))));
        }
    }

    [Fact]
    public async Task Events_are_written_from_the_spool_in_arrival_order_and_a_file_goes_only_once_they_all_went_through()
    {
        var (intake, prefix) = Start();
        for (var n = 1; n <= 5; n++) Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(Post(prefix, Notification(n)))).StatusCode);

        var taken = Drain(intake, writeAtMost: 2);
        Assert.Equal(new[] { 1, 2, 3, 4, 5 }, taken.SelectMany(t => t.Events).Select(Number));
        Assert.Equal(3, Entries(_folder).Length);
    }

    [Fact]
    public async Task A_new_listener_on_the_folder_writes_what_the_last_one_left_first_and_leaves_out_what_it_wrote()
    {
        var (first, prefix) = Start();
        for (var n = 1; n <= 5; n++) Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(Post(prefix, Notification(n)))).StatusCode);
        Drain(first, writeAtMost: 2);
        first.Dispose();

        var (second, prefix2) = Start();
        // Meta delivers n1 again (its 200 was lost, say), and a new one arrives.
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(Post(prefix2, Notification(1)))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(Post(prefix2, Notification(6)))).StatusCode);
        var taken = Drain(second);

        Assert.Equal(new[] { 3, 4, 5, 6 }, taken.SelectMany(t => t.Events).Select(Number));
        Assert.Equal(new[] { true, true, true, false, false }, taken.Select(t => t.FromEarlierRun));
        Assert.Equal(1, taken.Sum(t => t.DuplicatesSkipped));
        Assert.Empty(Entries(_folder));
    }

    [Fact]
    public async Task A_second_listener_on_the_same_folder_is_refused()
    {
        Start();
        var ex = Assert.Throws<WaWebhookException>(() => new WebhookIntake(ListenPrefix.Parse(FreePrefix()), Secure(Secret), null, _folder, null));
        Assert.Equal(WaWebhookException.SpoolLocked, ex.ErrorId);
        Assert.Contains(_folder, ex.Message);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task A_file_cut_short_or_signed_with_another_secret_is_an_error_and_moved_aside_never_deleted()
    {
        var (first, prefix) = Start();
        for (var n = 1; n <= 3; n++) Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(Post(prefix, Notification(n)))).StatusCode);
        first.Dispose();
        var names = Entries(_folder);
        File.WriteAllText(Path.Combine(_folder, names[1]), Notification(2).Substring(0, 40));

        var (second, _) = Start();
        var taken = Drain(second);

        Assert.Equal(new[] { null, WaWebhookException.SpoolEntryRejected, null }, taken.Select(t => t.Error?.ErrorId));
        Assert.Equal(new[] { 1, 3 }, taken.SelectMany(t => t.Events).Select(Number));
        Assert.Equal(new[] { names[1] }, Entries(Path.Combine(_folder, WebhookSpool.RejectedFolder)));
        Assert.Empty(Entries(_folder));

        // The next notification does not take the rejected file's name.
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(Post(FreePrefixOf(second), Notification(4)))).StatusCode);
        Assert.True(string.CompareOrdinal(Entries(_folder).Single(), names[2]) > 0);
    }

    private static string FreePrefixOf(WebhookIntake intake) => $"http://127.0.0.1:{intake.Port}/hook/";

    [Fact]
    public async Task A_signed_body_that_is_not_a_notification_is_an_error_once_and_its_file_moved_aside()
    {
        var (intake, prefix) = Start();
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(Post(prefix, "{\"object\":\"page\"}"))).StatusCode);
        var taken = Drain(intake);

        Assert.Equal(WaWebhookException.NotWhatsAppNotification, Assert.Single(taken).Error?.ErrorId);
        Assert.Single(Directory.GetFiles(Path.Combine(_folder, WebhookSpool.RejectedFolder)));
        Assert.Empty(Entries(_folder));
    }

    [Fact]
    public async Task A_body_that_cannot_be_written_to_the_spool_is_answered_503_never_200()
    {
        var (intake, prefix) = Start();
        Directory.Delete(_folder, recursive: true);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _http.SendAsync(Post(prefix, Notification(1)))).StatusCode);
        Assert.Empty(Drain(intake));
        Assert.Equal(0, intake.Acknowledged);
    }

    [Fact]
    public void The_folder_is_flushed_to_disk_after_each_file_gets_its_name_and_a_folder_that_cannot_be_is_an_error()
    {
        if (System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Windows)) return; // NTFS journals the rename: nothing to call
        Directory.CreateDirectory(_folder);

        DurableFolder.Flush(_folder);
        // A missing folder shows the call reaches libc (a binding that did not would pass silently);
        // Write turns this IOException into a 503, as the test above shows for the file itself.
        var error = Assert.Throws<IOException>(() => DurableFolder.Flush(Path.Combine(_folder, "gone")));
        Assert.Contains("could not be opened", error.Message);
    }

    [Fact]
    public void A_file_an_earlier_listener_was_still_writing_is_moved_aside_and_said()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Path.Combine(_folder, "000000000007-" + new string('a', 64) + ".json.partial"), "{\"obj");
        var (intake, _) = Start();

        var report = Assert.IsType<IntakeReport>(intake.Take(0, CancellationToken.None));
        Assert.Contains("000000000007", report.Text);
        Assert.Single(Directory.GetFiles(Path.Combine(_folder, WebhookSpool.RejectedFolder)));
    }

    [Fact]
    public void The_window_of_written_ids_is_bounded_and_survives_a_restart()
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, "seen-ids.txt");
        var ids = Enumerable.Range(0, 2 * SeenIds.Capacity + 5).Select(i => i.ToString("x32")).ToList();
        using (var seen = new SeenIds(path))
            foreach (var batch in ids.Chunk(1000)) seen.Add(batch);

        using var again = new SeenIds(path);
        Assert.Equal(SeenIds.Capacity, again.Count);
        Assert.True(again.Contains(ids[^1]));
        Assert.False(again.Contains(ids[0]));
        Assert.True(File.ReadAllLines(path).Length <= 2 * SeenIds.Capacity);
    }
}
