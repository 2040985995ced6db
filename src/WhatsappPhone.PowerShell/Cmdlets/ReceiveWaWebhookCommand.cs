using System;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using WhatsappPhone.Models.Webhooks;
using WhatsappPhone.Webhooks;
using WhatsappPhone.Webhooks.Http;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// A webhook endpoint: answers the handshake, refuses what is not a signed notification, and
/// acknowledges a signed one with 200 only once it was handed over (its events written to the
/// pipeline, or its body on disk with -SpoolPath), so nothing acknowledged is ever lost.
/// </summary>
[Cmdlet(VerbsCommunications.Receive, "WaWebhook")]
[OutputType(typeof(WebhookEvent), typeof(QualityUpdateEvent), typeof(NameUpdateEvent), typeof(AccountUpdateEvent),
    typeof(AccountReviewUpdateEvent), typeof(SecurityEvent), typeof(AccountAlertEvent), typeof(MessagesEvent))]
public sealed class ReceiveWaWebhookCommand : WaWebhookCmdlet
{
    /// <summary>The prefix to listen on, such as http://127.0.0.1:8080/hook/ or http://+:8080/hook/.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Prefix { get; set; } = "";

    /// <summary>The app secret every POST's signature is checked with, as a string or SecureString. Never shown.</summary>
    [Parameter(Mandatory = true)]
    [WebhookSecretTransformation]
    public SecureString AppSecret { get; set; } = null!;

    /// <summary>The verify token for the handshake; without it every verification GET gets 403.</summary>
    [Parameter]
    [WebhookSecretTransformation]
    public SecureString? VerifyToken { get; set; }

    /// <summary>Stops once this many events were written.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; }

    /// <summary>Stops after this many seconds.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue / 1000)]
    public int TimeoutSec { get; set; }

    /// <summary>
    /// A folder where each signed notification is written (and flushed to disk) before it is
    /// acknowledged, and from which its events are written; a restart writes what was left first.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SpoolPath { get; set; }

    /// <summary>The certificate (with its private key) an https:// prefix is served with.</summary>
    [Parameter]
    public X509Certificate2? Certificate { get; set; }

    private WebhookIntake? _intake;
    private int _written;

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        _intake = Open();
        var clock = Stopwatch.StartNew();
        while (Count == 0 || _written < Count)
        {
            var wait = TimeoutSec == 0 ? Timeout.Infinite : (int)Math.Max(0, TimeoutSec * 1000L - clock.ElapsedMilliseconds);
            IntakeItem? item;
            try
            {
                item = _intake.Take(wait, Cancellation);
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
            if (item == null)
            {
                WriteVerbose($"Stopped listening after {TimeoutSec} s.");
                break;
            }
            if (item is IntakeReport report)
            {
                if (report.Warning) WriteWarning(report.Text);
                else WriteVerbose(report.Text);
            }
            else
            {
                Write((IntakeNotification)item);
            }
        }
        // From here a notification is answered 503 and delivered again later; a spool keeps what it holds.
        _intake.Close();
        Summarize();
    }

    private WebhookIntake Open()
    {
        ListenPrefix prefix;
        try
        {
            prefix = ListenPrefix.Parse(Prefix);
            if (prefix.Https && Certificate == null)
                throw new ArgumentException($"An https:// prefix needs -Certificate (with its private key); or listen on http:// behind the proxy or tunnel that ends TLS.");
            if (!prefix.Https && Certificate != null)
                throw new ArgumentException("-Certificate is for an https:// prefix; this one is http://.");
            if (Certificate is { HasPrivateKey: false })
                throw new ArgumentException("The -Certificate has no private key, so it cannot serve https.");
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "WaWebhookInvalidPrefix", ErrorCategory.InvalidArgument, Prefix));
            throw;
        }

        WebhookIntake intake;
        try
        {
            intake = new WebhookIntake(prefix, AppSecret, VerifyToken, SpoolPath == null ? null : GetUnresolvedProviderPathFromPSPath(SpoolPath), Certificate);
        }
        catch (WaWebhookException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, ex.ErrorId,
                ex.ErrorId == WaWebhookException.SpoolLocked ? ErrorCategory.ResourceBusy : ErrorCategory.ResourceUnavailable, SpoolPath));
            throw;
        }
        try
        {
            intake.Start();
        }
        catch (SocketException ex)
        {
            intake.Dispose();
            ThrowTerminatingError(new ErrorRecord(new InvalidOperationException($"Cannot listen on {Prefix}: {ex.Message}. Choose another port, or stop what listens on it.", ex),
                "WaWebhookListenerFailed", ErrorCategory.ResourceUnavailable, Prefix));
        }
        WriteVerbose($"Listening on {Prefix} (port {intake.Port}){(Count > 0 ? $" for {Count} events" : "")}{(TimeoutSec > 0 ? $", for at most {TimeoutSec} s" : "")}; Ctrl+C stops.");
        if (intake.Spool is { } spool)
        {
            WriteVerbose($"Spool: {spool.Folder}. A notification is acknowledged once it is written there.");
            if (!spool.OwnerOnlyApplied && !RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                WriteWarning($"The spool folder {spool.Folder} could not be made readable by its owner only: check its permissions.");
        }
        return intake;
    }

    /// <summary>Writes a notification's events; says to the intake how many went through, however the pipeline ends.</summary>
    private void Write(IntakeNotification item)
    {
        if (item.Error != null)
        {
            try
            {
                // Signed, so from Meta, but not readable: one error, and the listener goes on.
                WriteError(Refusal(item.Error));
            }
            finally
            {
                _intake!.Complete(item, 0);
            }
            return;
        }
        if (item.DuplicatesSkipped > 0)
            WriteVerbose($"Left out {item.DuplicatesSkipped} event(s) of a notification already written (a re-delivery; same Id).");
        var done = 0;
        try
        {
            foreach (var ev in item.Events)
            {
                if (Resolve) ResolveNumber(ev);
                WriteObject(ev);
                done++;
            }
        }
        catch (PipelineStoppedException) when (!Stopping)
        {
            // A later command had enough (Select-Object -First) once it took this event: it went
            // through. On Ctrl+C the pipeline is Stopping, and WriteObject refuses the event instead.
            done++;
            throw;
        }
        finally
        {
            _written += done;
            _intake!.Complete(item, done);
        }
    }

    private void Summarize()
    {
        var refused = _intake!.Refused();
        var total = refused.Values.Sum();
        var byStatus = string.Join(", ", refused.OrderBy(r => r.Key).Select(r => $"{r.Value} with {r.Key}"));
        WriteVerbose($"Acknowledged {_intake.Acknowledged} notification(s) and wrote {_written} event(s); answered {total} other request(s){(total > 0 ? $" ({byStatus})" : "")}.");
        if (_intake.ReportsDropped > 0)
            WriteWarning($"{_intake.ReportsDropped} refused request(s) were not reported one by one, the pipeline being behind; in all: {byStatus}.");
    }

    /// <inheritdoc/>
    protected override void DisposeResources() => _intake?.Dispose();
}
