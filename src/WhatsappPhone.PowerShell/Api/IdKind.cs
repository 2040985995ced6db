namespace WhatsappPhone.Api;

/// <summary>Which Graph object an ID names: what an ID parameter takes (messages about a bad ID say which was expected) and what a request is about (advice and pacing fit it).</summary>
public enum IdKind
{
    /// <summary>A phone number's ID (not the phone number itself).</summary>
    PhoneNumber,
    /// <summary>A WhatsApp Business Account (WABA) ID.</summary>
    BusinessAccount,
    /// <summary>A business portfolio (Meta Business Manager) ID.</summary>
    BusinessPortfolio,
    /// <summary>A Meta app's ID.</summary>
    App,
}

internal static class IdKindText
{
    /// <summary>The kind as messages name it: "a {this} is required".</summary>
    public static string Describe(this IdKind kind) => kind switch
    {
        IdKind.PhoneNumber => "phone-number ID",
        IdKind.BusinessAccount => "WhatsApp Business Account ID",
        IdKind.BusinessPortfolio => "business portfolio ID",
        _ => "app ID",
    };
}
