using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using WhatsappPhone.Cmdlets;
using WhatsappPhone.Models.Webhooks;
using Xunit;
using static WhatsappPhone.Tests.Webhooks.WebhookTraffic;

namespace WhatsappPhone.Tests.Cmdlets;

/// <summary>
/// Receive-WaWebhook in a runspace, stopped every way a user stops it while signed notifications
/// arrive: whatever was answered 200 came out of the pipeline, whatever did not get 200 is Meta's
/// to deliver again. (Select-Object is not in this bare runspace: Webhooks.Tests.ps1 stops it that way.)
/// </summary>
public sealed class ReceiveWaWebhookTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private readonly Runspace _runspace;
    private readonly HttpClient _http = new HttpClient { Timeout = Generous };

    public ReceiveWaWebhookTests()
    {
        var iss = InitialSessionState.CreateDefault2();
        iss.ImportPSModule(typeof(ReceiveWaWebhookCommand).Assembly.Location);
        _runspace = RunspaceFactory.CreateRunspace(iss);
        _runspace.Open();
    }

    public void Dispose()
    {
        _runspace.Dispose();
        _http.Dispose();
    }

    /// <summary>
    /// Runs <paramref name="pipeline"/> (after "Receive-WaWebhook -Prefix $prefix -AppSecret $secret"),
    /// sends <paramref name="count"/> signed notifications once it listens, lets <paramref name="stop"/>
    /// stop it, and returns the numbers that came out and the answer to each notification.
    /// </summary>
    private async Task<(List<int> Out, Dictionary<int, HttpStatusCode> Answers, ErrorRecord[] Errors, Exception? Ended)> Run(
        string pipeline, int count, Action<PowerShell, PSDataCollection<PSObject>>? stop = null, Func<int, string>? body = null, bool firstAlone = false)
    {
        var prefix = FreePrefix();
        using var ps = PowerShell.Create();
        ps.Runspace = _runspace;
        // $ctrlC, called by the pipeline itself, presses Ctrl+C and returns once the pipeline is stopping.
        Action ctrlC = () =>
        {
            ps.BeginStop(null, null);
            SpinWait.SpinUntil(() => ps.InvocationStateInfo.State != PSInvocationState.Running, Generous);
            // The state changes before the pipeline's commands are told; they are told while this thread waits.
            Thread.Sleep(300);
        };
        ps.AddScript($"param($prefix, $secret, $ctrlC) Receive-WaWebhook -Prefix $prefix -AppSecret $secret {pipeline}")
            .AddParameter("prefix", prefix).AddParameter("secret", Secret).AddParameter("ctrlC", ctrlC);
        var output = new PSDataCollection<PSObject>();
        var running = Task.Factory.FromAsync(ps.BeginInvoke(new PSDataCollection<PSObject>(), output), ps.EndInvoke);

        // Listening once an unsigned POST gets 401 (polled: no wall-clock bound).
        while (true)
        {
            try
            {
                if ((await _http.SendAsync(Post(prefix, "{}", secret: null))).StatusCode == HttpStatusCode.Unauthorized) break;
            }
            catch (HttpRequestException)
            {
                if (running.IsCompleted) throw new InvalidOperationException($"Receive-WaWebhook ended before it listened: {running.Exception} {string.Join("; ", ps.Streams.Error)}");
                await Task.Delay(20);
            }
        }
        // A POST on a kept-alive connection that the listener closes as it stops can meet a reset
        // instead of an answer: for Meta as for this test, that is no 200 (0 here).
        async Task<(int, HttpStatusCode)> Send(int n)
        {
            try
            {
                return (n, (await _http.SendAsync(Post(prefix, body?.Invoke(n) ?? Notification(n)))).StatusCode);
            }
            catch (HttpRequestException)
            {
                return (n, 0);
            }
        }
        var sends = new List<Task<(int n, HttpStatusCode StatusCode)>>();
        if (firstAlone)
        {
            sends.Add(Send(1));
            await sends[0];
        }
        sends.AddRange(Enumerable.Range(firstAlone ? 2 : 1, firstAlone ? count - 1 : count).Select(Send));
        stop?.Invoke(ps, output);
        var answers = (await Task.WhenAll(sends)).ToDictionary(a => a.n, a => a.StatusCode);
        Exception? ended = null;
        try
        {
            await running;
        }
        catch (Exception ex)
        {
            ended = ex;
        }
        var written = output.Select(o => Number((WebhookEvent)o.BaseObject)).ToList();
        return (written, answers, ps.Streams.Error.ToArray(), ended);
    }

    private static void AssertEveryAcknowledgedCameOut(List<int> written, Dictionary<int, HttpStatusCode> answers)
    {
        var acknowledged = answers.Where(a => a.Value == HttpStatusCode.OK).Select(a => a.Key).OrderBy(n => n).ToList();
        Assert.NotEmpty(acknowledged);
        Assert.All(answers.Values, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable, (HttpStatusCode)0 }));
        Assert.Equal(acknowledged, acknowledged.Intersect(written).OrderBy(n => n));
        Assert.Equal(written.Count, written.Distinct().Count());
    }

    [Fact]
    public async Task Ctrl_C_while_notifications_arrive_loses_none_that_was_acknowledged()
    {
        var (written, answers, _, ended) = await Run("| ForEach-Object { [Threading.Thread]::Sleep(50); $_ }", 30, (ps, output) =>
        {
            // Stops once five came out (polled: a count, not a time).
            while (output.Count < 5) Thread.Sleep(10);
            ps.Stop();
        });

        Assert.IsType<PipelineStoppedException>(ended);
        AssertEveryAcknowledgedCameOut(written, answers);
        Assert.Contains(HttpStatusCode.ServiceUnavailable, answers.Values);
    }

    [Fact]
    public async Task Ctrl_C_while_an_event_is_on_its_way_down_the_pipeline_does_not_acknowledge_its_notification()
    {
        // The third event reaches ForEach-Object, which presses Ctrl+C before passing it on: it never comes out.
        var (written, answers, _, ended) = await Run("| ForEach-Object -Begin { $i = 0 } -Process { if (++$i -eq 3) { $ctrlC.Invoke() }; $_ } | ForEach-Object { $_ }", 10);

        Assert.IsType<PipelineStoppedException>(ended);
        Assert.Equal(2, written.Count);
        Assert.Contains(HttpStatusCode.ServiceUnavailable, answers.Values);
        Assert.Equal(written.OrderBy(n => n), answers.Where(a => a.Value == HttpStatusCode.OK).Select(a => a.Key).OrderBy(n => n));
    }

    [Fact]
    public async Task An_error_in_a_later_command_loses_none_that_was_acknowledged_and_the_event_it_failed_on_is_not_acknowledged()
    {
        var (written, answers, _, ended) = await Run("| ForEach-Object -Begin { $i = 0 } -Process { if (++$i -eq 5) { throw 'the consumer failed' }; $_ }", 30);

        Assert.NotNull(ended);
        Assert.Equal(4, written.Count);
        AssertEveryAcknowledgedCameOut(written, answers);
        Assert.Equal(4, answers.Count(a => a.Value == HttpStatusCode.OK));
    }

    [Fact]
    public async Task A_signed_body_that_is_not_a_notification_is_one_error_and_the_listener_goes_on()
    {
        // The bad one goes first and is answered before the nine others are sent.
        var (written, answers, errors, ended) = await Run("-Count 9", 10, body: n => n == 1 ? "{\"object\":\"page\",\"entry\":[]}" : Notification(n), firstAlone: true);

        Assert.Null(ended);
        Assert.Equal(Enumerable.Range(2, 9), written.OrderBy(n => n));
        Assert.Equal("WaWebhookNotWhatsAppNotification,WhatsappPhone.Cmdlets.ReceiveWaWebhookCommand", Assert.Single(errors).FullyQualifiedErrorId);
        Assert.All(answers.Values, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Fact]
    public async Task With_ErrorAction_Stop_a_bad_body_ends_the_listener_but_loses_nothing_acknowledged()
    {
        var (written, answers, _, ended) = await Run("-ErrorAction Stop", 20, body: n => n == 10 ? "not json" : Notification(n));

        Assert.NotNull(ended);
        // The bad body itself is acknowledged once its error was written (sending it again would not make it readable).
        AssertEveryAcknowledgedCameOut(written.Append(10).ToList(), answers);
    }
}
