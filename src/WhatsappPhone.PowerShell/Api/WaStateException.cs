using System;

namespace WhatsappPhone.Api;

/// <summary>
/// A change the module refuses before sending it, because of the number's current state (a name
/// change already in review, local storage on a registered number). Nothing was sent.
/// </summary>
public sealed class WaStateException : InvalidOperationException
{
    /// <summary>A refusal before anything was sent, with its FullyQualifiedErrorId.</summary>
    public WaStateException(string message, string errorId) : base(message) => ErrorId = errorId;

    /// <summary>The FullyQualifiedErrorId of the error record, such as WaDisplayNameInReview.</summary>
    public string ErrorId { get; }
}
