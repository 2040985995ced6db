using System;
using System.Collections;
using System.Management.Automation;
using System.Security;
using WhatsappPhone.Webhooks;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// Checks Meta's verification GET and writes the hub.challenge to echo with HTTP 200, or a
/// non-terminating error (the caller answers 403) and nothing else.
/// </summary>
[Cmdlet(VerbsLifecycle.Confirm, "WaWebhookChallenge")]
[OutputType(typeof(string))]
public sealed class ConfirmWaWebhookChallengeCommand : PSCmdlet
{
    /// <summary>The error ID when hub.verify_token is not the expected one.</summary>
    public const string VerifyTokenMismatchId = "WaWebhookVerifyTokenMismatch";
    /// <summary>The error ID when hub.mode is not subscribe.</summary>
    public const string NotSubscribeId = "WaWebhookNotSubscribe";
    /// <summary>The error ID when hub.challenge is missing.</summary>
    public const string ChallengeMissingId = "WaWebhookChallengeMissing";

    /// <summary>The GET's query: a hashtable, Azure Functions' $Request.Query or a NameValueCollection.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [WebhookQueryTransformation]
    public IDictionary Query { get; set; } = null!;

    /// <summary>The verify token set on the webhook subscription, as a string or SecureString. Never shown.</summary>
    [Parameter(Mandatory = true)]
    [WebhookSecretTransformation]
    public SecureString VerifyToken { get; set; } = null!;

    /// <inheritdoc/>
    protected override void ProcessRecord()
    {
        var outcome = WebhookChallenge.Check(Query, VerifyToken, out var challenge);
        if (outcome == ChallengeOutcome.Accepted)
        {
            WriteObject(challenge);
            return;
        }
        WriteError(Refusal(outcome));
    }

    /// <summary>Why a verification request was refused; never quotes the token given or expected.</summary>
    internal static ErrorRecord Refusal(ChallengeOutcome outcome) => outcome switch
    {
        ChallengeOutcome.NotSubscribe => new ErrorRecord(
            new InvalidOperationException("The request is not a webhook verification: hub.mode is not 'subscribe'. Answer it with 403."),
            NotSubscribeId, ErrorCategory.InvalidOperation, null),
        ChallengeOutcome.VerifyTokenMismatch => new ErrorRecord(
            new System.Security.Authentication.AuthenticationException("hub.verify_token is missing or is not the verify token given to -VerifyToken. Answer with 403; Meta shows the subscription as failed."),
            VerifyTokenMismatchId, ErrorCategory.AuthenticationError, null),
        _ => new ErrorRecord(
            new InvalidOperationException("The verification request has the right token but no hub.challenge to echo. Answer it with 403."),
            ChallengeMissingId, ErrorCategory.InvalidData, null),
    };
}
