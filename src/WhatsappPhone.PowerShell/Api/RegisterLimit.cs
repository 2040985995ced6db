namespace WhatsappPhone.Api;

/// <summary>
/// Meta's limit on register and deregister calls, stated once here (for users: about_WhatsappPhone,
/// "The limit"): each number gets this many of each in a moving window, every attempt counts,
/// failed ones too, and past it the number is blocked for up to the window (error 133016). Hence
/// neither call is ever repeated blindly.
/// </summary>
internal static class RegisterLimit
{
    public const int Calls = 10;
    public const int WindowHours = 72;
}
