using System.Globalization;

namespace WhatsappPhone.Emulator;

/// <summary>How to start the emulator; the command line maps onto this one to one.</summary>
public sealed record EmulatorOptions
{
    public const string DefaultToken = "emulator-token";

    public const string Usage =
        "Usage: dotnet WhatsappPhone.Emulator.dll [--port N] [--seed path.json] [--numbers N] " +
        "[--token T] [--latency-ms N] [--app-secret S] [--callback-uri URL] [--exit-on-stdin-close]";

    /// <summary>Port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Seed file; null means seed.json beside the emulator's dll.</summary>
    public string? SeedPath { get; init; }

    /// <summary>Numbers to generate, in one extra WABA, on top of the seed (0 = none).</summary>
    public int GeneratedNumbers { get; init; }

    public string Token { get; init; } = DefaultToken;

    /// <summary>Delay added to every Graph request (benchmarks); the control API can change it.</summary>
    public int LatencyMs { get; init; }

    /// <summary>The app secret that signs webhook notifications; null means <c>emulator-app-secret</c>.</summary>
    public string? AppSecret { get; init; }

    /// <summary>The app's default webhook callback (as set in the App Dashboard); null: none.</summary>
    public string? CallbackUri { get; init; }

    /// <summary>Stop when stdin reaches end of file, so a parent that dies does not leave the emulator behind.</summary>
    public bool ExitOnStdinClose { get; init; }

    /// <exception cref="ArgumentException">An unknown option or a bad value; the message says which.</exception>
    public static EmulatorOptions Parse(IReadOnlyList<string> args)
    {
        var options = new EmulatorOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            int Number(int min, int max)
            {
                var text = Value();
                return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                    ? n
                    : throw new ArgumentException($"{name} must be a whole number from {min} to {max}, not '{text}'.");
            }

            options = name switch
            {
                "--port" => options with { Port = Number(0, 65535) },
                "--seed" => options with { SeedPath = Value() },
                "--numbers" => options with { GeneratedNumbers = Number(0, 1_000_000) },
                "--token" => options with { Token = Value() is { Length: > 0 } t && !t.Any(char.IsWhiteSpace) ? t : throw new ArgumentException("--token must be non-empty, without spaces.") },
                "--latency-ms" => options with { LatencyMs = Number(0, 600_000) },
                "--app-secret" => options with { AppSecret = Value() is { Length: > 0 } s && !s.Any(char.IsWhiteSpace) ? s : throw new ArgumentException("--app-secret must be non-empty, without spaces.") },
                "--callback-uri" => options with { CallbackUri = CheckCallbackUri(name, Value()) },
                "--exit-on-stdin-close" => options with { ExitOnStdinClose = true },
                _ => throw new ArgumentException($"Unknown option '{name}'."),
            };
        }
        return options;
    }

    /// <summary>An absolute http or https URL: where the app's notifications go.</summary>
    public static string CheckCallbackUri(string name, string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri.AbsoluteUri
            : throw new ArgumentException($"{name} must be an absolute http or https URL, not '{value}'.");
}
