using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text;
using WhatsappPhone.Webhooks;

namespace WhatsappPhone.Cmdlets;

/// <summary>
/// Binds a webhook body given as a string (hashed and parsed as its UTF-8 bytes, never
/// re-serialised: what Azure Functions' $Request.RawBody holds) or as bytes. A byte alone is one
/// byte of a byte[] that PowerShell enumerated into the pipeline: see <see cref="PipedBody"/>. The
/// size cap is checked by the cmdlet, so its error has the cmdlet's stable ID.
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
            case byte one:
                return PipedBody.Of(one);
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

/// <summary>
/// Joins a byte[] piped into a cmdlet back into one body. PowerShell sends its bytes one at a time;
/// each binds as <see cref="Of"/>'s array for that byte, which no string or array given whole can be,
/// so the cmdlet keeps them (<see cref="Add"/>) until a body given whole or the end of the input.
/// </summary>
internal sealed class PipedBody
{
    private static readonly byte[][] SingleBytes = Enumerable.Range(0, 256).Select(b => new[] { (byte)b }).ToArray();
    private readonly List<byte> _bytes = new List<byte>();

    /// <summary>How a byte that arrived alone binds. The cmdlets never write to a body.</summary>
    public static byte[] Of(byte b) => SingleBytes[b];

    /// <summary>Keeps the body when it is one byte that arrived alone (true); false for a body given whole.</summary>
    public bool Add(byte[] body)
    {
        if (body.Length != 1 || !ReferenceEquals(body, SingleBytes[body[0]])) return false;
        _bytes.Add(body[0]);
        return true;
    }

    /// <summary>The bytes kept so far as one body, and none kept after; null when there were none.</summary>
    public byte[]? Take()
    {
        if (_bytes.Count == 0) return null;
        var body = _bytes.ToArray();
        _bytes.Clear();
        return body;
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
