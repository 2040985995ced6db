using System;
using System.Diagnostics;
using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using WhatsappPhone.Models.Webhooks;
using WhatsappPhone.Webhooks;

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
                IntakeHost.Say(this, report);
            }
            else
            {
                Write((IntakeNotification)item);
            }
        }
        // From here a notification is answered 503 and delivered again later; a spool keeps what it holds.
        _intake.Close();
        IntakeHost.Summarize(this, _intake, _written, "event(s)");
    }

    private WebhookIntake Open() =>
        IntakeHost.Open(this, Prefix, AppSecret, VerifyToken, SpoolPath, Certificate,
            $"{(Count > 0 ? $" for {Count} events" : "")}{(TimeoutSec > 0 ? $", for at most {TimeoutSec} s" : "")}");

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

    /// <inheritdoc/>
    protected override void DisposeResources() => _intake?.Dispose();
}
