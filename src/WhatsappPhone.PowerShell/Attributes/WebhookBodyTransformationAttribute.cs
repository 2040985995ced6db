using System;
using System.Collections;
using System.Management.Automation;
using System.Text;
using WhatsappPhone.Webhooks;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// Binds a webhook body given as a string (hashed and parsed as its UTF-8 bytes, never
/// re-serialised: what Azure Functions' $Request.RawBody holds) or as bytes. The size cap is
/// checked by the cmdlet, so its error has the cmdlet's stable ID.
/// </summary>
public sealed class WebhookBodyTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc/>
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject pso ? pso.BaseObject : inputData;
        switch (value)
        {
            case null:
                return null!;
            case byte[] bytes:
                return bytes;
            case string text:
                return Encoding.UTF8.GetBytes(text);
            case IList list:
                // A byte[] that passed through @() or a pipeline arrives as object[].
                var copy = new byte[list.Count];
                for (var i = 0; i < copy.Length; i++)
                {
                    var item = list[i] is PSObject p ? p.BaseObject : list[i];
                    if (item is not byte b) throw new ArgumentTransformationMetadataException($"Give the body as a string or as bytes; item {i} of the list is {(item == null ? "null" : "a " + item.GetType().Name)}.");
                    copy[i] = b;
                }
                return copy;
            default:
                throw new ArgumentTransformationMetadataException($"Give the body as a string or as bytes, not a {value.GetType().Name}: a body parsed into objects has lost the bytes that were signed.");
        }
    }
}

/// <summary>Binds a query as a dictionary: a hashtable, Azure Functions' $Request.Query, or a NameValueCollection.</summary>
public sealed class WebhookQueryTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc/>
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject pso ? pso.BaseObject : inputData;
        if (value == null) return null!;
        return WebhookChallenge.ToDictionary(value)
            ?? throw new ArgumentTransformationMetadataException($"Give the query as a hashtable, a dictionary or a NameValueCollection, not a {value.GetType().Name}.");
    }
}
