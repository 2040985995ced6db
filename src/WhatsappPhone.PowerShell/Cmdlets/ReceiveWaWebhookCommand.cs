using System;
using System.Diagnostics;
using System.Management.Automation;
using System.Net;
using System.Security;
using System.Threading;
using WhatsappPhone.Models.Webhooks;
using WhatsappPhone.Webhooks;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// Listens for webhooks (HttpListener): answers the handshake, refuses unsigned POSTs with 401,
/// acknowledges signed ones with 200 and writes their events as they come.
/// </summary>
[Cmdlet(VerbsCommunications.Receive, "WaWebhook")]
[OutputType(typeof(WebhookEvent), typeof(QualityUpdateEvent), typeof(NameUpdateEvent), typeof(AccountUpdateEvent),
    typeof(AccountReviewUpdateEvent), typeof(SecurityEvent), typeof(AccountAlertEvent), typeof(MessagesEvent))]
public sealed class ReceiveWaWebhookCommand : WaWebhookCmdlet
{
    /// <summary>The HttpListener prefix to listen on, such as http://127.0.0.1:8080/hook/.</summary>
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

    private WebhookListener? _listener;
    private int _written;

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        Uri prefix;
        try
        {
            prefix = WebhookListener.ParsePrefix(Prefix);
        }
        catch (ArgumentException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "WaWebhookInvalidPrefix", ErrorCategory.InvalidArgument, Prefix));
            return;
        }
        _listener = new WebhookListener(prefix, AppSecret, VerifyToken);
        try
        {
            _listener.Start();
        }
        catch (HttpListenerException ex)
        {
            ThrowTerminatingError(new ErrorRecord(new InvalidOperationException($"Cannot listen on {Prefix}: {ex.Message}. Choose another port, or on Windows reserve the prefix with 'netsh http add urlacl' or run elevated.", ex),
                "WaWebhookListenerFailed", ErrorCategory.ResourceUnavailable, Prefix));
        }
        WriteVerbose($"Listening on {Prefix}{(Count > 0 ? $" for {Count} events" : "")}{(TimeoutSec > 0 ? $", for at most {TimeoutSec} s" : "")}; Ctrl+C stops.");

        var clock = Stopwatch.StartNew();
        while (Count == 0 || _written < Count)
        {
            var wait = TimeoutSec == 0 ? Timeout.Infinite : (int)Math.Max(0, TimeoutSec * 1000L - clock.ElapsedMilliseconds);
            ListenerItem item;
            try
            {
                if (!_listener.TryTake(out item, wait, Cancellation))
                {
                    WriteVerbose($"Stopped listening after {TimeoutSec} s.");
                    break;
                }
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
            Take(item);
        }

        // What was acknowledged is written whole, even past -Count: Meta does not deliver it again.
        _listener.Close();
        foreach (var item in _listener.Remaining()) Take(item);
    }

    private void Take(ListenerItem item)
    {
        if (item.Warning != null)
        {
            WriteWarning(item.Warning);
        }
        else if (item.Verbose != null)
        {
            WriteVerbose(item.Verbose);
        }
        else if (item.Body != null)
        {
            try
            {
                _written += WriteEvents(WebhookNotification.Parse(item.Body));
            }
            catch (WaWebhookException ex)
            {
                // Signed by Meta's app secret but not a notification this module reads: say so, and go on listening.
                WriteError(Refusal(ex));
            }
        }
    }

    /// <inheritdoc/>
    protected override void DisposeResources() => _listener?.Dispose();
}
