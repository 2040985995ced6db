using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace WhatsappPhone.Emulator.State;

/// <summary>Builds the world from a seed file (Graph field names, snake_case) and the generated numbers.</summary>
public static class Seed
{
    public const string GeneratedWabaId = "120000000000001";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // A misspelt field in a hand-written seed should fail loudly, not silently vanish.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private static readonly string[] OldTiers = ["TIER_250", "TIER_1K", "TIER_10K", "TIER_100K", "TIER_UNLIMITED"];
    private static readonly string[] NewTiers = ["TIER_250", "TIER_2K", "TIER_10K", "TIER_100K", "TIER_UNLIMITED"];

    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "seed.json");

    /// <exception cref="InvalidDataException">The seed is not valid; the message says where.</exception>
    public static World Build(string seedJson, int generatedNumbers, DateTimeOffset now)
    {
        SeedFile file;
        try
        {
            file = JsonSerializer.Deserialize<SeedFile>(seedJson, Json) ?? throw new InvalidDataException("The seed is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The seed is not valid at {e.Path ?? "$"}: {e.Message}", e);
        }

        if (generatedNumbers > 0)
        {
            file.Wabas.Add(Generate(generatedNumbers));
            file.Businesses.FirstOrDefault()?.OwnedWabas.Add(GeneratedWabaId);
        }

        // A seeded VERIFIED status starts its 14-day lifetime when the emulator (re)starts.
        foreach (var number in file.Wabas.SelectMany(w => w.PhoneNumbers).Where(n => n.CodeVerificationStatus == "VERIFIED"))
        {
            number.VerifiedAt = now;
        }
        return new World(file.Businesses, file.Wabas, generatedNumbers > 0 ? GeneratedWabaId : null);
    }

    /// <summary>Deterministic (fixed random seed), so the same N always gives the same numbers for scale tests.</summary>
    private static Waba Generate(int count)
    {
        var random = new Random(20241014);
        var onboarded = new DateTimeOffset(2024, 1, 2, 9, 0, 0, TimeSpan.Zero);
        var waba = new Waba
        {
            Id = GeneratedWabaId,
            Name = $"Generated WABA ({count} numbers)",
            Currency = "USD",
            TimezoneId = "1",
            MessageTemplateNamespace = "generated_namespace_0001",
            AccountReviewStatus = "APPROVED",
            Country = "US",
        };
        for (var i = 1; i <= count; i++)
        {
            var (status, platform, verification) = random.Next(100) switch
            {
                < 70 => ("CONNECTED", "CLOUD_API", "VERIFIED"),
                < 90 => ("DISCONNECTED", "NOT_APPLICABLE", "VERIFIED"),
                _ => ("PENDING", "NOT_APPLICABLE", "NOT_VERIFIED"),
            };
            var tier = random.Next(OldTiers.Length);
            waba.PhoneNumbers.Add(new PhoneNumber
            {
                Id = (1_100_000_000_000_000L + i).ToString(CultureInfo.InvariantCulture),
                DisplayPhoneNumber = $"+1 555-{i / 10000 % 1000:D3}-{i % 10000:D4}",
                VerifiedName = $"Generated Store {i}",
                Status = status,
                QualityRating = random.Next(10) switch { < 7 => "GREEN", 7 => "YELLOW", 8 => "RED", _ => "UNKNOWN" },
                CodeVerificationStatus = verification,
                NameStatus = "APPROVED",
                NewNameStatus = "NONE",
                PlatformType = platform,
                Throughput = new JsonObject { ["level"] = "STANDARD" },
                MessagingLimitTier = OldTiers[tier],
                WhatsappBusinessManagerMessagingLimit = NewTiers[tier],
                AccountMode = i % 10 == 0 ? "SANDBOX" : "LIVE",
                IsOfficialBusinessAccount = false,
                SearchVisibility = "NON_VISIBLE",
                EligibilityForApiBusinessGlobalSearch = "NON_ELIGIBLE_VERIFIED_LEVEL",
                LastOnboardedTime = platform == "CLOUD_API" ? onboarded.AddMinutes(7 * i).ToString("yyyy-MM-dd'T'HH:mm:ss'+0000'", CultureInfo.InvariantCulture) : null,
                Pin = platform == "CLOUD_API" ? "123456" : null,
            });
        }
        return waba;
    }

    private sealed class SeedFile
    {
        public List<Business> Businesses { get; init; } = [];
        public List<Waba> Wabas { get; init; } = [];
    }
}
