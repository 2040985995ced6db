using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace WhatsappPhone.Emulator.State;

/// <summary>
/// A phone number. The serialised properties are the seed file's format and use Graph's field names;
/// the ignored ones are state Graph keeps to itself.
/// </summary>
public sealed class PhoneNumber
{
    public static readonly TimeSpan VerificationLifetime = TimeSpan.FromDays(14);

    public required string Id { get; init; }
    public string? DisplayPhoneNumber { get; set; }
    public string? VerifiedName { get; set; }
    public string? Status { get; set; }
    public string? QualityRating { get; set; }
    /// <summary>As stored; read it through <see cref="VerificationStatusAt"/>, which applies the expiry.</summary>
    public string? CodeVerificationStatus { get; set; }
    public string? NameStatus { get; set; }
    public string? NewNameStatus { get; set; }
    /// <summary>The display name in review or approved, until a registration makes it the verified name.</summary>
    public string? NewDisplayName { get; set; }
    public string? PlatformType { get; set; }
    public JsonObject? Throughput { get; set; }
    public string? MessagingLimitTier { get; set; }
    public string? WhatsappBusinessManagerMessagingLimit { get; set; }
    public string? AccountMode { get; set; }
    public bool? IsOfficialBusinessAccount { get; set; }
    public bool? IsPreverifiedNumber { get; set; }
    public bool? IsOnBizApp { get; set; }
    public string? Certificate { get; set; }
    public string? NewCertificate { get; set; }
    public string? SearchVisibility { get; set; }
    public string? EligibilityForApiBusinessGlobalSearch { get; set; }
    public string? LastOnboardedTime { get; set; }
    /// <summary>Null means healthy; Graph then reports a derived AVAILABLE status.</summary>
    public JsonObject? HealthStatus { get; set; }
    public JsonObject? WebhookConfiguration { get; set; }

    /// <summary>The two-step verification PIN. Graph only ever shows whether one is set (is_pin_enabled).</summary>
    public string? Pin { get; set; }

    [JsonIgnore] public string WabaId { get; set; } = "";
    [JsonIgnore] public DateTimeOffset? VerifiedAt { get; set; }
    [JsonIgnore] public string? LastCode { get; set; }
    [JsonIgnore] public string? DataLocalizationRegion { get; set; }
    /// <summary>The number this one is a migration of (in another WABA), until the migration completes by registering.</summary>
    [JsonIgnore] public string? MigratingFrom { get; set; }
    [JsonIgnore] public List<DateTimeOffset> RegisterAttempts { get; } = [];
    [JsonIgnore] public List<DateTimeOffset> DeregisterAttempts { get; } = [];

    public bool IsRegistered => PlatformType == "CLOUD_API";

    public string? VerificationStatusAt(DateTimeOffset now) =>
        CodeVerificationStatus == "VERIFIED" && VerifiedAt is { } at && now - at >= VerificationLifetime
            ? "EXPIRED"
            : CodeVerificationStatus;
}

/// <summary>A WhatsApp Business Account and its numbers, in listing order.</summary>
public sealed class Waba
{
    public required string Id { get; init; }
    public string? Name { get; set; }
    public string? Currency { get; set; }
    public string? TimezoneId { get; set; }
    public string? MessageTemplateNamespace { get; set; }
    public string? AccountReviewStatus { get; set; }
    public string? BusinessVerificationStatus { get; set; }
    public string? OwnershipType { get; set; }
    /// <summary>Null means healthy; Graph then reports a derived AVAILABLE status.</summary>
    public JsonObject? HealthStatus { get; set; }
    public string? Country { get; set; }
    public List<PhoneNumber> PhoneNumbers { get; init; } = [];
}

/// <summary>A business portfolio: the WABAs it owns and those its clients shared with it.</summary>
public sealed class Business
{
    public required string Id { get; init; }
    public string? Name { get; set; }
    public List<string> OwnedWabas { get; init; } = [];
    public List<string> ClientWabas { get; init; } = [];
}

/// <summary>Everything Graph can see, built from the seed; replaced wholesale on reset.</summary>
public sealed class World
{
    private readonly Dictionary<string, PhoneNumber> _numbers = [];
    private readonly Dictionary<string, Waba> _wabas = [];
    private readonly Dictionary<string, Business> _businesses = [];

    public World(IReadOnlyList<Business> businesses, IReadOnlyList<Waba> wabas, string? generatedWabaId)
    {
        Businesses = businesses;
        Wabas = wabas;
        GeneratedWabaId = generatedWabaId;
        var ids = new HashSet<string>();
        void Claim(string id)
        {
            if (!ids.Add(id)) throw new InvalidDataException($"The seed uses the ID {id} twice.");
        }
        foreach (var waba in wabas)
        {
            Claim(waba.Id);
            _wabas[waba.Id] = waba;
            foreach (var number in waba.PhoneNumbers)
            {
                Claim(number.Id);
                number.WabaId = waba.Id;
                _numbers[number.Id] = number;
            }
        }
        foreach (var business in businesses)
        {
            Claim(business.Id);
            _businesses[business.Id] = business;
            foreach (var wabaId in business.OwnedWabas.Concat(business.ClientWabas))
            {
                if (!_wabas.ContainsKey(wabaId)) throw new InvalidDataException($"Business {business.Id} lists WABA {wabaId}, which the seed does not define.");
            }
        }
    }

    public IReadOnlyList<Business> Businesses { get; }
    public IReadOnlyList<Waba> Wabas { get; }

    /// <summary>Profiles, settings and uploads of this world (see <see cref="NumberAdministration"/>).</summary>
    public AdministrationBook Administration { get; } = new();

    /// <summary>Adds a number created through POST /{waba}/phone_numbers.</summary>
    public void AddNumber(Waba waba, PhoneNumber number)
    {
        if (_numbers.ContainsKey(number.Id) || _wabas.ContainsKey(number.Id) || _businesses.ContainsKey(number.Id))
            throw new InvalidOperationException($"The ID {number.Id} is taken.");
        number.WabaId = waba.Id;
        waba.PhoneNumbers.Add(number);
        _numbers[number.Id] = number;
    }
    public string? GeneratedWabaId { get; }

    public PhoneNumber? Number(string id) => _numbers.GetValueOrDefault(id);
    public Waba? Waba(string id) => _wabas.GetValueOrDefault(id);
    public Business? Business(string id) => _businesses.GetValueOrDefault(id);

    /// <summary>Graph's node type name for an ID, used in its "nonexisting field" errors; null if unknown.</summary>
    public string? NodeType(string id) =>
        _numbers.ContainsKey(id) ? "WhatsAppBusinessPhoneNumber"
        : _wabas.ContainsKey(id) ? "WhatsAppBusinessAccount"
        : _businesses.ContainsKey(id) ? "Business"
        : null;

    /// <summary>The WABA a request is about (itself, or a number's WABA), for the usage headers.</summary>
    public string? WabaOf(string id) => _numbers.TryGetValue(id, out var n) ? n.WabaId : _wabas.ContainsKey(id) ? id : null;
}
