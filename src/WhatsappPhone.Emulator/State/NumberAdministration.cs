using System.Globalization;
using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using WhatsappPhone.Emulator.Graph;

namespace WhatsappPhone.Emulator.State;

/// <summary>A business profile as Graph stores it (number/whatsapp_business_profile).</summary>
public sealed class BusinessProfile
{
    public string? About { get; set; }
    public string? Address { get; set; }
    public string? Description { get; set; }
    public string? Email { get; set; }
    public List<string>? Websites { get; set; }
    public string? Vertical { get; set; }
    public string? ProfilePictureUrl { get; set; }
}

/// <summary>A resumable upload: a session until its bytes arrive, then a handle.</summary>
public sealed class Upload
{
    public required string SessionId { get; init; }
    public required string FileName { get; init; }
    public required long FileLength { get; init; }
    public required string FileType { get; init; }
    public byte[]? Bytes { get; set; }
    public string? Handle { get; set; }
}

/// <summary>What the administration endpoints keep beside the numbers: profiles, settings, uploads.</summary>
public sealed class AdministrationBook
{
    /// <summary>The app the emulator's token belongs to (the APP entity of the seed's health_status).</summary>
    public const string AppId = "875629473610042";

    private long _nextNumberId = 1_200_000_000_000_001L;

    public Dictionary<string, BusinessProfile> Profiles { get; } = [];
    public Dictionary<string, bool> IdentityKeyCheck { get; } = [];
    public Dictionary<string, Upload> UploadSessions { get; } = [];
    public Dictionary<string, Upload> UploadsByHandle { get; } = [];

    public string NextNumberId(World world)
    {
        string id;
        do id = (_nextNumberId++).ToString(CultureInfo.InvariantCulture);
        while (world.NodeType(id) is not null);
        return id;
    }
}

/// <summary>
/// Meta's rules for adding and migrating numbers, display-name changes, local storage and the
/// business profile. Each method returns the Graph error Meta would give, or null after applying
/// the change. Where Meta's pages give no wording for a refusal, the message says what Graph's
/// documentation says and the code is 100 (invalid parameter), Graph's code for a refused value.
/// </summary>
public static class NumberAdministration
{
    public static readonly string[] Regions = ["AE", "AU", "BH", "BR", "CA", "CH", "DE", "GB", "ID", "IN", "JP", "KR", "SG", "ZA"];

    public static readonly string[] Verticals =
    [
        "AUTO", "BEAUTY", "APPAREL", "EDU", "ENTERTAIN", "EVENT_PLAN", "FINANCE", "GROCERY", "GOVT", "HOTEL",
        "HEALTH", "NONPROFIT", "PROF_SERVICES", "RETAIL", "TRAVEL", "RESTAURANT", "NOT_A_BIZ", "OTHER",
    ];

    public const int MinNameLength = 2;
    public const int MaxNameLength = 75;

    /// <summary>POST /{waba}/phone_numbers: a new UNVERIFIED number whose display name goes to review, or a migration.</summary>
    public static GraphError? AddNumber(World world, Waba waba, string cc, string phoneNumber, string verifiedName, bool migrate, out PhoneNumber? created)
    {
        created = null;
        var digits = cc + phoneNumber;
        var existing = world.Wabas.SelectMany(w => w.PhoneNumbers)
            .FirstOrDefault(n => n.Status != "DELETED" && n.Status != "MIGRATED" && Digits(n.DisplayPhoneNumber) == digits);
        PhoneNumber? source = null;
        if (migrate)
        {
            if (existing is null)
                return GraphErrors.InvalidParameter($"Param phone_number +{digits} is not registered to another WhatsApp Business Account, so it cannot be migrated. Add it without migrate_phone_number");
            if (existing.WabaId == waba.Id)
                return AlreadyAdded(digits);
            if (waba.AccountReviewStatus != "APPROVED")
                return GraphErrors.InvalidParameter($"The destination WhatsApp Business Account {waba.Id} is not approved (account_review_status {waba.AccountReviewStatus ?? "unknown"}); only an approved account can receive a migrated number");
            if (existing.Pin is not null)
                return GraphErrors.InvalidParameter($"Two-step verification is enabled on +{digits} in its current WhatsApp Business Account; turn it off there (WhatsApp Manager) before migrating the number");
            source = existing;
        }
        else if (existing is not null)
        {
            return AlreadyAdded(digits);
        }

        created = new PhoneNumber
        {
            Id = world.Administration.NextNumberId(world),
            DisplayPhoneNumber = Display(cc, phoneNumber),
            VerifiedName = source?.VerifiedName ?? verifiedName,
            Status = "UNVERIFIED",
            QualityRating = source?.QualityRating ?? "UNKNOWN",
            CodeVerificationStatus = "NOT_VERIFIED",
            // A migrated number keeps its reviewed name; a new one waits for review.
            NameStatus = source?.NameStatus ?? "PENDING_REVIEW",
            NewNameStatus = "NONE",
            PlatformType = "NOT_APPLICABLE",
            Throughput = new JsonObject { ["level"] = "STANDARD" },
            MessagingLimitTier = source?.MessagingLimitTier ?? "TIER_250",
            WhatsappBusinessManagerMessagingLimit = source?.WhatsappBusinessManagerMessagingLimit ?? "TIER_250",
            AccountMode = "LIVE",
            IsOfficialBusinessAccount = source?.IsOfficialBusinessAccount ?? false,
            IsPreverifiedNumber = false,
            IsOnBizApp = false,
            SearchVisibility = "NON_VISIBLE",
            EligibilityForApiBusinessGlobalSearch = "NON_ELIGIBLE_VERIFIED_LEVEL",
            MigratingFrom = source?.Id,
        };
        world.AddNumber(waba, created);
        return null;
    }

    /// <summary>Registering the destination completes a migration: the source number is then MIGRATED.</summary>
    public static void CompleteMigration(World world, PhoneNumber registered)
    {
        if (registered.MigratingFrom is not { } sourceId || world.Number(sourceId) is not { } source) return;
        source.Status = "MIGRATED";
        source.PlatformType = "NOT_APPLICABLE";
        registered.MigratingFrom = null;
    }

    /// <summary>Registering applies an approved display-name change: the new name becomes the verified one.</summary>
    public static void ApplyApprovedName(PhoneNumber number)
    {
        if (number.NewNameStatus != "APPROVED" || number.NewDisplayName is null) return;
        number.VerifiedName = number.NewDisplayName;
        number.NameStatus = "APPROVED";
        number.NewNameStatus = "NONE";
        number.NewDisplayName = null;
    }

    /// <summary>POST /{phone-number-id} with new_display_name: the change goes to review, one at a time.</summary>
    public static GraphError? RequestDisplayName(PhoneNumber number, string name)
    {
        if (name.Length is < MinNameLength or > MaxNameLength)
            return GraphErrors.InvalidParameter($"Param new_display_name must be {MinNameLength} to {MaxNameLength} characters long");
        if (number.NewNameStatus == "PENDING_REVIEW" || number.NameStatus == "PENDING_REVIEW")
            return GraphErrors.InvalidParameter("A display name change for this phone number is already in review; wait for its decision before requesting another");
        number.NewDisplayName = name;
        number.NewNameStatus = "PENDING_REVIEW";
        return null;
    }

    /// <summary>The control API's review decision on whichever name of the number is pending.</summary>
    public static string? DecideNameReview(PhoneNumber number, string decision)
    {
        if (decision is not ("APPROVED" or "DECLINED")) return "decision must be APPROVED or DECLINED.";
        if (number.NewNameStatus == "PENDING_REVIEW")
        {
            number.NewNameStatus = decision;
            return null;
        }
        if (number.NameStatus == "PENDING_REVIEW")
        {
            number.NameStatus = decision;
            return null;
        }
        return $"No display name of {number.Id} is in review.";
    }

    /// <summary>GET /{id}/settings, in the shape Meta's pages show for storage_configuration.</summary>
    public static JsonObject Settings(World world, PhoneNumber number) => new()
    {
        ["calling"] = new JsonObject { ["status"] = "DISABLED" },
        ["storage_configuration"] = number.DataLocalizationRegion is { } region
            ? new JsonObject { ["status"] = "IN_COUNTRY_STORAGE_ENABLED", ["data_localization_region"] = region }
            : new JsonObject { ["status"] = "DEFAULT" },
        ["user_identity_change"] = new JsonObject
        {
            ["enable_identity_key_check"] = world.Administration.IdentityKeyCheck.GetValueOrDefault(number.Id),
        },
    };

    /// <summary>storage_configuration: only while the number is not registered (v21+ enables local storage before registering).</summary>
    public static GraphError? SetStorage(PhoneNumber number, JsonObject? configuration)
    {
        if (configuration is null) return GraphErrors.InvalidParameter("Param storage_configuration must be an object");
        var status = Text(configuration["status"]);
        var region = Text(configuration["data_localization_region"]);
        if (status is not ("IN_COUNTRY_STORAGE_ENABLED" or "DEFAULT"))
            return GraphErrors.InvalidParameter($"Param storage_configuration[status] must be one of {{IN_COUNTRY_STORAGE_ENABLED, DEFAULT}} - got \"{status}\"");
        if (status == "IN_COUNTRY_STORAGE_ENABLED" && (region is null || !Regions.Contains(region)))
            return GraphErrors.InvalidParameter($"Param storage_configuration[data_localization_region] must be one of {{{string.Join(", ", Regions)}}} - got \"{region}\"");
        if (number.IsRegistered)
            return GraphErrors.InvalidParameter("Local storage can only be changed while the phone number is not registered. Deregister it, change the setting, then register it again");
        number.DataLocalizationRegion = status == "DEFAULT" ? null : region;
        return null;
    }

    public static GraphError? SetIdentityKeyCheck(World world, PhoneNumber number, JsonObject? change)
    {
        if (change?["enable_identity_key_check"] is not JsonValue value || !value.TryGetValue<bool>(out var enabled))
            return GraphErrors.InvalidParameter("Param user_identity_change[enable_identity_key_check] must be a boolean");
        world.Administration.IdentityKeyCheck[number.Id] = enabled;
        return null;
    }

    /// <summary>Checks every given field first, then stores them all; a field not given keeps its value.</summary>
    public static GraphError? UpdateProfile(World world, PhoneNumber number, IReadOnlyDictionary<string, JsonNode?> fields)
    {
        var limits = new Dictionary<string, int> { ["about"] = 139, ["address"] = 256, ["description"] = 512, ["email"] = 128 };
        foreach (var (name, max) in limits)
        {
            if (!fields.TryGetValue(name, out var node)) continue;
            if (Text(node) is not { } value) return GraphErrors.InvalidParameter($"Param {name} must be a string");
            if (value.Length > max) return GraphErrors.InvalidParameter($"Param {name} must be at most {max} characters long");
        }
        if (fields.TryGetValue("about", out var aboutNode) && Text(aboutNode)!.Length == 0)
            return GraphErrors.InvalidParameter("Param about must be at least 1 character long");
        if (fields.TryGetValue("email", out var emailNode) && !IsEmail(Text(emailNode)!))
            return GraphErrors.InvalidParameter("Param email must be a valid email address");
        List<string>? websites = null;
        if (fields.TryGetValue("websites", out var websitesNode))
        {
            if (websitesNode is not JsonArray array || array.Any(w => Text(w) is null))
                return GraphErrors.InvalidParameter("Param websites must be an array of URLs");
            websites = [.. array.Select(w => Text(w)!)];
            if (websites.Count > 2) return GraphErrors.InvalidParameter("Param websites must have at most 2 elements");
            foreach (var site in websites)
            {
                if (site.Length > 256 || !Uri.TryCreate(site, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
                    return GraphErrors.InvalidParameter($"Param websites[] must be URLs starting with http:// or https://, of at most 256 characters - got \"{site}\"");
            }
        }
        string? vertical = null;
        if (fields.TryGetValue("vertical", out var verticalNode))
        {
            vertical = Text(verticalNode);
            if (vertical is null || !Verticals.Contains(vertical))
                return GraphErrors.InvalidParameter($"Param vertical must be one of {{{string.Join(", ", Verticals)}}} - got \"{vertical}\"");
        }
        Upload? picture = null;
        if (fields.TryGetValue("profile_picture_handle", out var handleNode))
        {
            if (Text(handleNode) is not { } handle || !world.Administration.UploadsByHandle.TryGetValue(handle, out picture))
                return GraphErrors.InvalidParameter("Param profile_picture_handle is not a valid handle from the Resumable Upload API");
            if (!IsImage(picture.Bytes!))
                return GraphErrors.InvalidParameter("Param profile_picture_handle must be the handle of a JPEG or PNG image");
        }

        var profile = Profile(world, number);
        if (fields.TryGetValue("about", out var about)) profile.About = Text(about);
        if (fields.TryGetValue("address", out var address)) profile.Address = Text(address);
        if (fields.TryGetValue("description", out var description)) profile.Description = Text(description);
        if (fields.TryGetValue("email", out var email)) profile.Email = Text(email);
        if (websites is not null) profile.Websites = websites;
        if (vertical is not null) profile.Vertical = vertical;
        if (picture is not null)
            profile.ProfilePictureUrl = $"https://pps.whatsapp.net/v/t61.24694-24/{Convert.ToHexString(SHA256.HashData(picture.Bytes!))[..24].ToLowerInvariant()}_n.jpg";
        return null;
    }

    public static BusinessProfile Profile(World world, PhoneNumber number)
    {
        if (!world.Administration.Profiles.TryGetValue(number.Id, out var profile))
            world.Administration.Profiles[number.Id] = profile = new BusinessProfile { Vertical = "UNDEFINED" };
        return profile;
    }

    /// <summary>POST /{app-id}/uploads: opens a session for one file.</summary>
    public static GraphError? StartUpload(World world, string? fileName, string? fileLength, string? fileType, out Upload? upload)
    {
        upload = null;
        if (fileLength is null) return GraphErrors.MissingParameter("file_length");
        if (!long.TryParse(fileLength, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length <= 0)
            return GraphErrors.InvalidParameter($"Param file_length must be a positive integer - got \"{fileLength}\"");
        if (fileType is null) return GraphErrors.MissingParameter("file_type");
        if (fileType is not ("image/jpeg" or "image/jpg" or "image/png" or "application/pdf" or "video/mp4"))
            return GraphErrors.InvalidParameter($"Param file_type must be one of {{application/pdf, image/jpeg, image/jpg, image/png, video/mp4}} - got \"{fileType}\"");
        upload = new Upload
        {
            SessionId = "upload:" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
            FileName = fileName ?? "file",
            FileLength = length,
            FileType = fileType,
        };
        world.Administration.UploadSessions[upload.SessionId] = upload;
        return null;
    }

    /// <summary>POST /upload:{session} with file_offset and the bytes: the whole file in one request gives its handle.</summary>
    public static GraphError? FinishUpload(World world, Upload upload, string? fileOffset, byte[] bytes)
    {
        if (fileOffset is null) return GraphErrors.MissingParameter("file_offset");
        if (fileOffset != "0")
            return GraphErrors.InvalidParameter($"Param file_offset must be where the upload stands (0) - got \"{fileOffset}\"");
        if (bytes.LongLength != upload.FileLength)
            return GraphErrors.InvalidParameter($"The uploaded data has {bytes.LongLength} bytes, but the session was opened with file_length {upload.FileLength}");
        upload.Bytes = bytes;
        upload.Handle ??= string.Join(':',
            "4",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(upload.FileName)),
            Convert.ToBase64String(Encoding.UTF8.GetBytes(upload.FileType)),
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('='));
        world.Administration.UploadsByHandle[upload.Handle] = upload;
        return null;
    }

    private static GraphError AlreadyAdded(string digits) =>
        GraphErrors.InvalidParameter($"Phone number +{digits} is already added to a WhatsApp Business Account");

    private static bool IsImage(byte[] b) =>
        (b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
        || (b.Length >= 8 && b.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }));

    private static bool IsEmail(string value) => MailAddress.TryCreate(value, out var address) && address.Address == value && value.Contains('.', StringComparison.Ordinal);

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string Digits(string? display) => display is null ? "" : new string([.. display.Where(char.IsAsciiDigit)]);

    /// <summary>Graph's display form: "+1 555-025-3481" for North America, "+49 15123456789" elsewhere.</summary>
    private static string Display(string cc, string number) =>
        cc == "1" && number.Length == 10 ? $"+1 {number[..3]}-{number[3..6]}-{number[6..]}" : $"+{cc} {number}";
}
