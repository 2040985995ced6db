using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace WhatsappPhone.Api;

/// <summary>
/// Checks for adding numbers, display names, local storage and the business profile: every rule
/// the issue and Meta's pages state, applied before a request exists.
/// </summary>
internal static class AdministrationInput
{
    public const int MinDisplayNameLength = 2;
    public const int MaxDisplayNameLength = 75;
    public const int MaxAbout = 139;
    public const int MaxAddress = 256;
    public const int MaxDescription = 512;
    public const int MaxEmail = 128;
    public const int MaxWebsites = 2;
    public const int MaxWebsiteLength = 256;
    /// <summary>The largest picture sent; Meta's pages ask for a small square image, and 5 MB is far above any of them.</summary>
    public const int MaxPictureBytes = 5 * 1024 * 1024;

    /// <summary>Local storage regions (the OpenAPI's list; Graph may add others).</summary>
    public static readonly string[] Regions = { "AE", "AU", "BH", "BR", "CA", "CH", "DE", "GB", "ID", "IN", "JP", "KR", "SG", "ZA" };

    public static readonly string[] Verticals =
    {
        "AUTO", "BEAUTY", "APPAREL", "EDU", "ENTERTAIN", "EVENT_PLAN", "FINANCE", "GROCERY", "GOVT", "HOTEL",
        "HEALTH", "NONPROFIT", "PROF_SERVICES", "RETAIL", "TRAVEL", "RESTAURANT", "NOT_A_BIZ", "OTHER",
    };

    private static readonly Regex Email = new Regex(@"^[^@\s""<>]+@[^@\s""<>]+\.[^@\s""<>.]+$", RegexOptions.CultureInvariant);

    /// <summary>'+1', '1' and ' 49 ' are country calling codes; the digits are kept.</summary>
    public static string CountryCode(string? value, string paramName)
    {
        var cc = (value ?? "").Trim();
        if (cc.StartsWith("+", StringComparison.Ordinal)) cc = cc.Substring(1);
        if (cc.Length >= 1 && cc.Length <= 3 && cc.All(IsDigit) && cc[0] != '0') return cc;
        throw new ArgumentException($"'{value}' is not a country calling code: give 1 to 3 digits, such as 1, 44 or +49.", paramName);
    }

    /// <summary>The number without its country code: spaces and dashes are dropped (<paramref name="cleaned"/> says so); anything else but digits is refused.</summary>
    public static string LocalNumber(string? value, string countryCode, string paramName, out bool cleaned)
    {
        var raw = (value ?? "").Trim();
        if (raw.StartsWith("+", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"'{raw}' is a whole international number; give the country code and the rest apart, such as -CountryCode 1 -PhoneNumber 5550253481 for +1 555-025-3481.",
                paramName);
        }

        var digits = raw.Replace(" ", "").Replace("-", "");
        cleaned = digits.Length != raw.Length;
        if (digits.Length == 0 || !digits.All(IsDigit))
        {
            throw new ArgumentException(
                $"'{raw}' is not a phone number: give its digits without the country code (spaces and dashes are allowed), such as 5550253481.", paramName);
        }

        if (digits.Length < 4 || countryCode.Length + digits.Length > 15)
        {
            throw new ArgumentException(
                $"'{raw}' has {digits.Length} digits; with the country code {countryCode} a phone number has at most 15 digits, and the number itself at least 4.", paramName);
        }

        return digits;
    }

    public static string DisplayName(string? value, string paramName)
    {
        var name = (value ?? "").Trim();
        if (name.Length < MinDisplayNameLength || name.Length > MaxDisplayNameLength)
        {
            throw new ArgumentException(
                $"A display name has {MinDisplayNameLength} to {MaxDisplayNameLength} characters; the one given has {name.Length}.", paramName);
        }

        return name;
    }

    public static string Region(string? value, string paramName)
    {
        var region = (value ?? "").Trim().ToUpperInvariant();
        if (Regions.Contains(region)) return region;
        throw new ArgumentException($"'{value}' is not a local storage region; use one of {string.Join(", ", Regions)}.", paramName);
    }

    /// <summary>Checks the given profile fields; $null and empty mean "not given" and are dropped.</summary>
    public static BusinessProfileUpdate Profile(string? about, string? address, string? description, string? email, IEnumerable<string>? websites, string? vertical)
    {
        var update = new BusinessProfileUpdate
        {
            About = Text(about, MaxAbout, "About"),
            Address = Text(address, MaxAddress, "Address"),
            Description = Text(description, MaxDescription, "Description"),
            Email = Text(email, MaxEmail, "Email"),
        };
        if (update.Email != null && !Email.IsMatch(update.Email))
            throw new ArgumentException($"'{update.Email}' is not an e-mail address such as hello@example.com.", "Email");
        var sites = (websites ?? Enumerable.Empty<string>())
            .SelectMany(w => (w ?? "").Split(new[] { ' ', '\t', '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries)).ToList();
        if (sites.Count > MaxWebsites)
            throw new ArgumentException($"A business profile has at most {MaxWebsites} websites; {sites.Count} were given.", "Website");
        foreach (var site in sites)
        {
            if (site.Length > MaxWebsiteLength)
                throw new ArgumentException($"A website has at most {MaxWebsiteLength} characters; '{Shorten(site)}' has {site.Length}.", "Website");
            if (!Uri.TryCreate(site, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
                throw new ArgumentException($"'{Shorten(site)}' is not a website: give a URL that starts with http:// or https://.", "Website");
        }
        if (sites.Count > 0) update.Websites = sites.ToArray();
        if (!string.IsNullOrWhiteSpace(vertical))
        {
            var v = vertical!.Trim().ToUpperInvariant();
            if (!Verticals.Contains(v))
                throw new ArgumentException($"'{vertical}' is not a vertical; use one of {string.Join(", ", Verticals)}.", "Vertical");
            update.Vertical = v;
        }
        return update;
    }

    /// <summary>The picture's bytes and MIME type: a JPEG or PNG file (by its first bytes, not its name) of at most 5 MB.</summary>
    public static (byte[] Bytes, string MimeType) Picture(string path)
    {
        var file = new FileInfo(path);
        if (!file.Exists) throw new ArgumentException($"The picture '{path}' does not exist.", "ProfilePicturePath");
        if (file.Length == 0 || file.Length > MaxPictureBytes)
            throw new ArgumentException($"The picture must be 1 byte to {MaxPictureBytes / (1024 * 1024)} MB; '{file.Name}' has {file.Length} bytes.", "ProfilePicturePath");
        var bytes = File.ReadAllBytes(file.FullName);
        if (bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) return (bytes, "image/jpeg");
        if (bytes.Length >= 8 && bytes.Take(8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A })) return (bytes, "image/png");
        throw new ArgumentException($"'{file.Name}' is not a JPEG or PNG image (by its content); WhatsApp profile pictures must be one of those.", "ProfilePicturePath");
    }

    private static string? Text(string? value, int max, string paramName)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        var text = value!.Trim();
        if (text.Length > max)
            throw new ArgumentException($"{paramName} has at most {max} characters; the value given has {text.Length}.", paramName);
        return text;
    }

    private static bool IsDigit(char c) => c >= '0' && c <= '9';

    private static string Shorten(string s) => s.Length <= 60 ? s : s.Substring(0, 60) + "…";
}

/// <summary>The fields of a profile change; $null ones are not sent.</summary>
internal sealed class BusinessProfileUpdate
{
    public string? About { get; set; }
    public string? Address { get; set; }
    public string? Description { get; set; }
    public string? Email { get; set; }
    public string[]? Websites { get; set; }
    public string? Vertical { get; set; }
    public string? ProfilePictureHandle { get; set; }

    public bool IsEmpty => About == null && Address == null && Description == null && Email == null && Websites == null && Vertical == null && ProfilePictureHandle == null;

    /// <summary>The field names that will be sent, for -WhatIf and verbose lines.</summary>
    public IEnumerable<string> Names()
    {
        if (About != null) yield return "about";
        if (Address != null) yield return "address";
        if (Description != null) yield return "description";
        if (Email != null) yield return "email";
        if (Websites != null) yield return "websites";
        if (Vertical != null) yield return "vertical";
        if (ProfilePictureHandle != null) yield return "profile picture";
    }
}
