namespace WhatsappPhone.Cmdlets;

/// <summary>What a reader reads: one number by its ID, or the listing of an account.</summary>
internal sealed class NumberSource
{
    public NumberSource(string id, bool isAccount)
    {
        Id = id;
        IsAccount = isAccount;
    }

    /// <summary>The phone-number or account ID: the TargetObject of its errors.</summary>
    public string Id { get; }

    public bool IsAccount { get; }

    public override string ToString() => Id;
}
