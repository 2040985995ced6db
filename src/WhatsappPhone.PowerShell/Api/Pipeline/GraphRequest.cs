using System;
using System.Net.Http;

namespace WhatsappPhone.Api.Pipeline;

/// <summary>One request to send (and perhaps send again): <see cref="Content"/> builds a fresh body for each attempt.</summary>
internal sealed class GraphRequest
{
    public GraphRequest(HttpMethod method, Uri uri, string? targetId, IdKind? target, Func<HttpContent>? content = null)
    {
        Method = method;
        Uri = uri;
        TargetId = targetId;
        Target = target;
        Content = content;
    }

    public HttpMethod Method { get; }
    public Uri Uri { get; }
    /// <summary>The Graph node the request is about (a number, account or portfolio ID), if any.</summary>
    public string? TargetId { get; }
    /// <summary>What kind of node <see cref="TargetId"/> is, so advice and pacing fit the ID that was sent, not a guess from the URL; null when the request is about no node.</summary>
    public IdKind? Target { get; }
    public Func<HttpContent>? Content { get; }

    /// <summary>Adjusts each attempt's request after the usual headers are set (the upload API's OAuth scheme and file_offset).</summary>
    public Action<HttpRequestMessage>? Prepare { get; set; }

    /// <summary>A GET changes nothing, so it may be sent again; a POST may already have taken effect.</summary>
    public bool IsIdempotent => Method == HttpMethod.Get;

    /// <summary>"METHOD path", without query or secrets: how messages and logs name the request.</summary>
    public string Description => $"{Method} {Uri.AbsolutePath}";
}
