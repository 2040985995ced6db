using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using WhatsappPhone.Models.Webhooks;
using WhatsappPhone.Webhooks;
using WhatsappPhone.Webhooks.Http;
using Xunit;
using static WhatsappPhone.Tests.TestSupport;
using static WhatsappPhone.Tests.Webhooks.WebhookTraffic;

namespace WhatsappPhone.Tests.Webhooks;

/// <summary>
/// The intake on 127.0.0.1 with a consumer standing in for the pipeline thread: a 200 only for what
/// was handed over, 503 for what was not, duplicates left out, refusals kept apart from notifications.
/// </summary>
public sealed class WebhookIntakeTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private readonly HttpClient _http = new HttpClient { Timeout = Generous };
    private readonly List<IDisposable> _disposables = new List<IDisposable>();

    public void Dispose()
    {
        foreach (var d in Enumerable.Reverse(_disposables)) d.Dispose();
        _http.Dispose();
    }

    private (WebhookIntake Intake, string Prefix) Start(WebhookIntakeOptions? options = null, string? verifyToken = null)
    {
        var prefix = FreePrefix();
        var intake = new WebhookIntake(ListenPrefix.Parse(prefix), Secure(Secret), verifyToken == null ? null : Secure(verifyToken), null, null, options);
        intake.Start();
        _disposables.Add(intake);
        return (intake, prefix);
    }

    /// <summary>The pipeline thread's part: takes items and writes (records) every event, until stopped.</summary>
    private sealed class Consumer : IDisposable
    {
        private readonly WebhookIntake _intake;
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();
        private readonly Task _loop;
        public readonly ConcurrentQueue<WebhookEvent> Written = new ConcurrentQueue<WebhookEvent>();
        public readonly ConcurrentQueue<IntakeReport> Reports = new ConcurrentQueue<IntakeReport>();
        public readonly ConcurrentQueue<IntakeNotification> Notifications = new ConcurrentQueue<IntakeNotification>();

        /// <param name="writeAtMost">Writes only this many events of each notification (a pipeline that stops part way).</param>
        public Consumer(WebhookIntake intake, int writeAtMost = int.MaxValue)
        {
            _intake = intake;
            _loop = Task.Run(() =>
            {
                try
                {
                    while (true)
                    {
                        var item = _intake.Take(-1, _stop.Token);
                        if (item is IntakeReport r) Reports.Enqueue(r);
                        else if (item is IntakeNotification n)
                        {
                            Notifications.Enqueue(n);
                            var k = Math.Min(writeAtMost, n.Events.Count);
                            foreach (var e in n.Events.Take(k)) Written.Enqueue(e);
                            _intake.Complete(n, k);
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                }
            });
        }

        public void Dispose()
        {
            _stop.Cancel();
            _loop.Wait(Generous);
        }
    }

    [Fact]
    public async Task Two_hundred_concurrent_signed_posts_are_each_answered_200_only_after_their_events_were_written_once()
    {
        var (intake, prefix) = Start();
        using var consumer = new Consumer(intake);
        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(n => _http.SendAsync(Post(prefix, Notification(n)))));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Equal(Enumerable.Range(0, 200), consumer.Written.Select(Number).OrderBy(n => n));
        Assert.Equal(200, intake.Acknowledged);
    }

    [Fact]
    public async Task A_notification_the_pipeline_does_not_take_in_time_gets_503_and_is_never_written()
    {
        var (intake, prefix) = Start(new WebhookIntakeOptions { HandOverTimeout = TimeSpan.FromMilliseconds(200) });
        var answer = await _http.SendAsync(Post(prefix, Notification(1)));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);

        // Taken later, it is not there to write: Meta delivers it again.
        using var consumer = new Consumer(intake);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(Post(prefix, Notification(2)))).StatusCode);
        Assert.Equal(new[] { 2 }, consumer.Written.Select(Number));
        Assert.Equal(0, intake.Take(0, CancellationToken.None) is IntakeNotification ? 1 : 0);
    }

    [Fact]
    public async Task Without_a_spool_what_waits_for_the_pipeline_is_bounded_in_bytes_and_more_is_503_before_its_body_is_read()
    {
        var (intake, prefix) = Start(new WebhookIntakeOptions { HandOverTimeout = Generous, MaxWaitingBytes = 3 * Notification(1).Length / 2 });
        var first = _http.SendAsync(Post(prefix, Notification(1)));
        while (intake.Waiting == 0) await Task.Delay(10);

        // A raw connection shows the refusal comes from the head alone: the body is never sent.
        var c = await RawConnection.OpenAsync(intake.Port);
        var request = RawConnection.Request("/hook/", Notification(2));
        await c.SendAsync(request.Substring(0, request.Length - Notification(2).Length));
        Assert.Equal(503, (await c.ReadAnswerAsync(Generous))?.Status);
        c.Dispose();

        using var consumer = new Consumer(intake);
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
        Assert.Equal(new[] { 1 }, consumer.Written.Select(Number));
    }

    [Fact]
    public async Task A_notification_whose_events_did_not_all_go_through_gets_503()
    {
        var (intake, prefix) = Start();
        using var consumer = new Consumer(intake, writeAtMost: 1);
        var two = "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"114503234599312\",\"time\":1739321024,\"changes\":[" +
            "{\"field\":\"security\",\"value\":{\"event\":\"PIN_CHANGED\",\"requester\":\"n1\"}},{\"field\":\"security\",\"value\":{\"event\":\"PIN_CHANGED\",\"requester\":\"n2\"}}]}]}";
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _http.SendAsync(Post(prefix, two))).StatusCode);
        Assert.Equal(new[] { 1 }, consumer.Written.Select(Number));
        Assert.Equal(0, intake.Acknowledged);
    }

    [Fact]
    public async Task Once_closed_a_waiting_notification_and_every_later_one_get_503()
    {
        var (intake, prefix) = Start(new WebhookIntakeOptions { HandOverTimeout = Generous });
        var waiting = _http.SendAsync(Post(prefix, Notification(1)));
        // Closed while the notification waits for the pipeline (polled: no wall-clock bound).
        while (intake.Waiting == 0 && !waiting.IsCompleted) await Task.Delay(10);
        intake.Close();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await waiting).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _http.SendAsync(Post(prefix, Notification(2)))).StatusCode);
        Assert.Null(intake.Take(0, CancellationToken.None));
    }

    [Fact]
    public async Task A_notification_delivered_again_is_acknowledged_without_writing_its_events_a_second_time()
    {
        var (intake, prefix) = Start();
        using var consumer = new Consumer(intake);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(Post(prefix, Notification(7)))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(Post(prefix, Notification(7)))).StatusCode);

        Assert.Equal(new[] { 7 }, consumer.Written.Select(Number));
        Assert.Equal(new[] { 0, 1 }, consumer.Notifications.Select(n => n.DuplicatesSkipped));
    }

    [Fact]
    public async Task A_signed_body_that_is_not_a_notification_is_one_error_item_and_the_intake_goes_on()
    {
        var (intake, prefix) = Start();
        using var consumer = new Consumer(intake);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(Post(prefix, "{\"object\":\"page\",\"entry\":[]}"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(Post(prefix, "not json"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(Post(prefix, Notification(3)))).StatusCode);

        Assert.Equal(new[] { WaWebhookException.NotWhatsAppNotification, WaWebhookException.MalformedJson, null },
            consumer.Notifications.Select(n => n.Error?.ErrorId));
        Assert.Equal(new[] { 3 }, consumer.Written.Select(Number));
    }

    [Fact]
    public async Task Unsigned_posts_are_refused_and_counted_without_ever_taking_a_notifications_place()
    {
        var (intake, prefix) = Start(new WebhookIntakeOptions { MaxWaiting = 5, MaxReportLines = 10, HandOverTimeout = Generous });
        // No consumer yet: the pipeline is busy. 300 unsigned POSTs come first.
        var unsigned = await Task.WhenAll(Enumerable.Range(0, 300).Select(n => _http.SendAsync(Post(prefix, Notification(n), secret: null))));
        Assert.All(unsigned, a => Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode));

        var signed = Enumerable.Range(1000, 5).Select(n => _http.SendAsync(Post(prefix, Notification(n)))).ToList();
        using var consumer = new Consumer(intake);
        Assert.All(await Task.WhenAll(signed), a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));

        Assert.Equal(Enumerable.Range(1000, 5), consumer.Written.Select(Number).OrderBy(n => n));
        Assert.Equal(300, intake.Refused()[401]);
        Assert.Equal(10, consumer.Reports.Count);
        Assert.Equal(290, intake.ReportsDropped);
    }

    [Fact]
    public async Task The_handshake_echoes_the_challenge_and_a_wrong_token_gets_403_with_a_warning_without_either_token()
    {
        const string token = "listener-verify-token";
        var (intake, prefix) = Start(verifyToken: token);
        var ok = await _http.GetAsync($"{prefix}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token={token}");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("1158201444", await ok.Content.ReadAsStringAsync());

        var wrong = await _http.GetAsync($"{prefix}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess");
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        var twice = await _http.GetAsync($"{prefix}?hub.mode=subscribe&hub.challenge=1&hub.verify_token={token}&hub.verify_token={token}");
        Assert.Equal(HttpStatusCode.Forbidden, twice.StatusCode);

        var reports = new List<IntakeReport>();
        while (intake.Take(0, CancellationToken.None) is IntakeReport r) reports.Add(r);
        Assert.Equal(2, reports.Count(r => r.Warning));
        Assert.All(reports, r => Assert.DoesNotContain(token, r.Text, StringComparison.Ordinal));
        Assert.All(reports, r => Assert.DoesNotContain("guess", r.Text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unsigned_or_wrongly_signed_post_gets_401_and_other_methods_and_paths_405_and_404()
    {
        var (intake, prefix) = Start();
        using var consumer = new Consumer(intake);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.SendAsync(Post(prefix, Notification(1), secret: null))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _http.SendAsync(Post(prefix, Notification(2), secret: "not-the-secret"))).StatusCode);
        var put = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Put, prefix) { Content = new StringContent("{}") });
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
        Assert.Equal("GET, POST", string.Join(", ", put.Content.Headers.Allow));
        Assert.Equal(HttpStatusCode.NotFound, (await _http.SendAsync(Post(prefix + "other", Notification(3)))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.SendAsync(Post(prefix.TrimEnd('/'), Notification(4)))).StatusCode);

        Assert.Equal(new[] { 4 }, consumer.Written.Select(Number));
        Assert.All(consumer.Reports, r => Assert.DoesNotContain(Secret, r.Text, StringComparison.Ordinal));
    }

    [Fact]
    public void An_empty_app_secret_is_refused_before_listening()
    {
        var ex = Assert.Throws<ArgumentException>(() => new WebhookIntake(ListenPrefix.Parse(FreePrefix()), Secure(""), null, null, null));
        Assert.Contains("empty", ex.Message);
    }
}
