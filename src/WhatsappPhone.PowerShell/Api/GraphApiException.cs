using System;
using System.Net;
using WhatsappPhone.Api.Pipeline;

namespace WhatsappPhone.Api;

/// <summary>
/// An error answered by the Graph API (or by something in front of it). Scripts branch on
/// <see cref="Code"/> and <see cref="Subcode"/>, which Graph keeps stable, rather than on the
/// HTTP status. Nothing secret is ever part of it: the request's token and body are not kept.
/// Every text in it went through <see cref="ServerText"/>: no terminal control sequences, and
/// shortened (a 5 MB message is kept as its first and last characters, once per property).
/// </summary>
public class GraphApiException : Exception
{
    /// <summary>A failed Graph request, with the HTTP status when a response arrived.</summary>
    public GraphApiException(string message, HttpStatusCode? httpStatusCode = null, Exception? inner = null)
        : base(ServerText.Shorten(ServerText.Clean(GraphInput.WithoutUserInfo(message)), 4 * ServerText.MaxLength), inner)
    {
        HttpStatusCode = httpStatusCode;
    }

    /// <summary>The HTTP status, when a response arrived.</summary>
    public HttpStatusCode? HttpStatusCode { get; }
    /// <summary>Graph's error code (error.code), such as 133005; $null when the body was not a Graph error.</summary>
    public int? Code { get; internal set; }
    /// <summary>Graph's error subcode (error.error_subcode), such as 33; $null when there is none.</summary>
    public int? Subcode { get; internal set; }
    /// <summary>Graph's error type, such as OAuthException or GraphMethodException.</summary>
    public string? Type { get => _type; internal set => _type = Shown(value); }
    /// <summary>Graph's own message, without the advice this module adds to <see cref="Exception.Message"/>.</summary>
    public string? GraphMessage { get => _graphMessage; internal set => _graphMessage = Shown(value); }
    /// <summary>Graph's error_user_title: a title meant for end users, when Graph gives one.</summary>
    public string? UserTitle { get => _userTitle; internal set => _userTitle = Shown(value); }
    /// <summary>Graph's error_user_msg: a message meant for end users, when Graph gives one.</summary>
    public string? UserMessage { get => _userMessage; internal set => _userMessage = Shown(value); }
    /// <summary>error_data.details, or error_data itself when Graph sent it as a string.</summary>
    public string? Details { get => _details; internal set => _details = Shown(value); }
    /// <summary>True when Graph said is_transient, or the code or status is one that clears by itself.</summary>
    public bool IsTransient { get; internal set; }
    /// <summary>The body's fbtrace_id (else the X-Fb-Trace-Id header): quote it in a support ticket to Meta.</summary>
    public string? FbTraceId { get => _fbTraceId; internal set => _fbTraceId = Shown(value); }
    /// <summary>The request, as "METHOD path" without query or secrets.</summary>
    public string? Request { get => _request; internal set => _request = Shown(value); }
    /// <summary>Seconds the server asked to wait (Retry-After, or estimated_time_to_regain_access).</summary>
    public TimeSpan? RetryAfter { get; internal set; }

    private string? _type, _graphMessage, _userTitle, _userMessage, _details, _fbTraceId, _request;

    private static string? Shown(string? serverText) => ServerText.Shorten(ServerText.Clean(serverText));

    /// <summary>Set when the request provably never reached the server (connection refused).</summary>
    internal bool NeverReachedServer { get; set; }

    /// <summary>Set when the server asked to wait longer than the retry budget allowed.</summary>
    internal TimeSpan? RetryBudgetExceeded { get; set; }

    /// <summary>What to do next, in words that name no cmdlet (the cmdlet layer adds those).</summary>
    internal string? Advice { get; set; }

    /// <summary>What the request was about, so the cmdlet layer can fit its advice to the ID that failed.</summary>
    internal IdKind? Target { get; set; }

    /// <summary>Graph said the ID is a phone number where a WhatsApp Business Account was expected.</summary>
    internal bool PhoneNumberAsAccount { get; set; }

    /// <summary>An identifier for a failure of the module's own making (a paging loop, a body too large), in place of the status.</summary>
    internal string? LocalErrorId { get; set; }

    internal GraphErrorKind Kind => GraphErrorCodes.KindOf(this);

    /// <summary>The message without advice or the retry budget sentence.</summary>
    internal string BaseMessage => base.Message;

    /// <summary>The message, with the advice this module adds.</summary>
    public override string Message
    {
        get
        {
            var message = base.Message;
            if (Advice != null) message = GraphErrors.JoinSentences(message, Advice);
            if (RetryBudgetExceeded is TimeSpan wait)
                message = GraphErrors.JoinSentences(message, $"The server asked to wait {wait.TotalSeconds:0} s, more than the retry budget left.");
            return message;
        }
    }

    /// <summary>The identifier scripts match on: WaApi.&lt;code&gt;[.&lt;subcode&gt;], else WaApi.Http&lt;status&gt;.</summary>
    public virtual string ErrorId =>
        LocalErrorId != null ? LocalErrorId
        : Code is int c ? (Subcode is int s ? $"WaApi.{c}.{s}" : $"WaApi.{c}")
        : HttpStatusCode is HttpStatusCode h ? $"WaApi.Http{(int)h}"
        : "WaApi.Connection";
}

/// <summary>The request took longer than the configured timeout.</summary>
public sealed class GraphTimeoutException : GraphApiException
{
    /// <summary>A request that took longer than the connection allows.</summary>
    public GraphTimeoutException(string message, Exception? inner = null) : base(message, null, inner)
    {
        IsTransient = true;
    }

    /// <summary>WaApi.Timeout: the FullyQualifiedErrorId of a timeout.</summary>
    public override string ErrorId => "WaApi.Timeout";
}

/// <summary>
/// The module refused to send a request, to keep the token where it belongs (a paging link that
/// leaves the base URI's host). Nothing was sent, and trying again cannot help.
/// </summary>
public sealed class GraphSecurityRefusalException : GraphApiException
{
    /// <summary>A refusal, with the reason in <paramref name="message"/>.</summary>
    public GraphSecurityRefusalException(string message) : base(message) { }

    /// <summary>WaSecurityRefusal: the FullyQualifiedErrorId of a refused request.</summary>
    public override string ErrorId => "WaSecurityRefusal";
}
