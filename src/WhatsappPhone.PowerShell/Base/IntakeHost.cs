using System;
using System.Management.Automation;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using WhatsappPhone.Webhooks;
using WhatsappPhone.Webhooks.Http;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// What the cmdlets that run the webhook intake (Receive-WaWebhook, Watch-WaPhoneNumber) do alike:
/// open and start it with their parameters' errors, say its report lines, and sum it up at the end.
/// </summary>
internal static class IntakeHost
{
    /// <summary>
    /// The intake for -Prefix, -AppSecret, -VerifyToken, -SpoolPath and -Certificate, listening; a bad
    /// prefix or certificate, a locked or unusable spool, or a port that cannot be bound is a
    /// terminating error of <paramref name="cmdlet"/>.
    /// </summary>
    /// <param name="cmdlet">The cmdlet whose errors and verbose lines these are.</param>
    /// <param name="prefixText">-Prefix as given.</param>
    /// <param name="appSecret">-AppSecret.</param>
    /// <param name="verifyToken">-VerifyToken, if given.</param>
    /// <param name="spoolPath">-SpoolPath as given (a PowerShell path), if given.</param>
    /// <param name="certificate">-Certificate, if given.</param>
    /// <param name="until">How the listening ends, for the verbose line ("for 10 events, for at most 60 s").</param>
    public static WebhookIntake Open(PSCmdlet cmdlet, string prefixText, SecureString appSecret, SecureString? verifyToken, string? spoolPath, X509Certificate2? certificate, string until)
    {
        ListenPrefix prefix;
        try
        {
            prefix = ListenPrefix.Parse(prefixText);
            if (prefix.Https && certificate == null)
                throw new ArgumentException("An https:// prefix needs -Certificate (with its private key); or listen on http:// behind the proxy or tunnel that ends TLS.");
            if (!prefix.Https && certificate != null)
                throw new ArgumentException("-Certificate is for an https:// prefix; this one is http://.");
            if (certificate is { HasPrivateKey: false })
                throw new ArgumentException("The -Certificate has no private key, so it cannot serve https.");
        }
        catch (ArgumentException ex)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(ex, "WaWebhookInvalidPrefix", ErrorCategory.InvalidArgument, prefixText));
            throw;
        }

        WebhookIntake intake;
        try
        {
            intake = new WebhookIntake(prefix, appSecret, verifyToken, spoolPath == null ? null : cmdlet.GetUnresolvedProviderPathFromPSPath(spoolPath), certificate);
        }
        catch (WaWebhookException ex)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(ex, ex.ErrorId,
                ex.ErrorId == WaWebhookException.SpoolLocked ? ErrorCategory.ResourceBusy : ErrorCategory.ResourceUnavailable, spoolPath));
            throw;
        }
        try
        {
            intake.Start();
        }
        catch (SocketException ex)
        {
            intake.Dispose();
            cmdlet.ThrowTerminatingError(new ErrorRecord(new InvalidOperationException($"Cannot listen on {prefixText}: {ex.Message}. Choose another port, or stop what listens on it.", ex),
                "WaWebhookListenerFailed", ErrorCategory.ResourceUnavailable, prefixText));
        }
        cmdlet.WriteVerbose($"Listening on {prefixText} (port {intake.Port}){until}; Ctrl+C stops.");
        if (intake.Spool is { } spool)
        {
            cmdlet.WriteVerbose($"Spool: {spool.Folder}. A notification is acknowledged once it is written there.");
            if (!spool.OwnerOnlyApplied && !RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                cmdlet.WriteWarning($"The spool folder {spool.Folder} could not be made readable by its owner only: check its permissions.");
        }
        return intake;
    }

    /// <summary>A report line of the intake: a warning or a verbose line.</summary>
    public static void Say(PSCmdlet cmdlet, IntakeReport report)
    {
        if (report.Warning) cmdlet.WriteWarning(report.Text);
        else cmdlet.WriteVerbose(report.Text);
    }

    /// <summary>The end of a run: what was acknowledged, written and refused.</summary>
    public static void Summarize(PSCmdlet cmdlet, WebhookIntake intake, int written, string what)
    {
        cmdlet.WriteVerbose(intake.Summary(written, what));
        if (intake.DroppedReports() is { } warning) cmdlet.WriteWarning(warning);
    }
}
