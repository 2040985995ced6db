using System.Net;
using WhatsappPhone.Emulator.Control;
using WhatsappPhone.Emulator.Graph;
using WhatsappPhone.Emulator.State;

namespace WhatsappPhone.Emulator;

/// <summary>Starts the emulator on 127.0.0.1; used by Program and, in-process, by tests.</summary>
public static class EmulatorHost
{
    /// <exception cref="InvalidDataException">The seed file is not valid.</exception>
    /// <exception cref="IOException">The seed file cannot be read or the port cannot be bound.</exception>
    public static async Task<EmulatorHandle> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default)
    {
        var seedJson = await File.ReadAllTextAsync(options.SeedPath ?? Seed.DefaultPath, cancellationToken);
        var state = new EmulatorState(options, seedJson);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port));
        // Stdout carries the start-up lines a harness parses; only warnings and errors are logged, to stderr.
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        // A failed start (port in use) surfaces as StartAsync's exception; the host's own stack-trace log would repeat it.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        // Whoever started the emulator decides when it stops; the host must not take over Ctrl+C.
        builder.Services.AddSingleton<IHostLifetime, OwnerControlledLifetime>();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton(state);

        var app = builder.Build();
        app.Lifetime.ApplicationStopped.Register(state.Dispose);
        app.Use(GraphPipeline.InvokeAsync);
        ControlEndpoints.Map(app);
        GraphEndpoints.Map(app);
        await app.StartAsync(cancellationToken);

        var address = new Uri(app.Urls.Single());
        return new EmulatorHandle(app, new Uri($"http://127.0.0.1:{address.Port}/"), options.Token, state.World.GeneratedWabaId);
    }

    private sealed class OwnerControlledLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>A running emulator; dispose it to stop it.</summary>
public sealed class EmulatorHandle(WebApplication app, Uri baseUri, string token, string? generatedWabaId) : IAsyncDisposable
{
    /// <summary>http://127.0.0.1:PORT/ (with the trailing slash, so relative URIs resolve under it).</summary>
    public Uri BaseUri { get; } = baseUri;

    public Uri ControlUri => new(BaseUri, "_emulator/");

    public string Token { get; } = token;

    /// <summary>The WABA holding the --numbers numbers, if any.</summary>
    public string? GeneratedWabaId { get; } = generatedWabaId;

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
