using System.Diagnostics;
using System.Text.RegularExpressions;

namespace WhatsappPhone.Emulator.Tests;

/// <summary>The emulator as a harness or a user runs it: dotnet WhatsappPhone.Emulator.dll ...</summary>
public sealed class CommandLineTests
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "WhatsappPhone.Emulator.dll");

    [Fact]
    public async Task It_prints_the_startup_lines_serves_the_token_and_exits_when_stdin_closes()
    {
        using var process = Start("--port", "0", "--token", "t0k3n", "--numbers", "3", "--exit-on-stdin-close");
        // Only stops a hung test: starting a .NET process on a machine running two suites can take many seconds.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        var lines = new List<string>();
        for (var i = 0; i < 5; i++) lines.Add(await process.StandardOutput.ReadLineAsync(timeout.Token) ?? "");

        var baseUri = Regex.Match(lines[0], @"listening on (\S+)").Groups[1].Value;
        Assert.Matches(@"^WhatsappPhone emulator listening on http://127\.0\.0\.1:[0-9]+$", lines[0]);
        Assert.Equal(["Access token: t0k3n", $"Control API: {baseUri}/_emulator", "Press Ctrl+C to stop.", "Generated 3 numbers in WABA 120000000000001"], lines[1..]);

        using var client = new HttpClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", "t0k3n");
        var response = await client.GetAsync($"{baseUri}/v25.0/120000000000001/phone_numbers", timeout.Token);
        Assert.Equal(200, (int)response.StatusCode);

        process.StandardInput.Close();
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public async Task An_unknown_option_exits_with_code_2_and_the_usage()
    {
        using var process = Start("--colour", "blue");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90)); // only stops a hung test

        var error = await process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("Unknown option '--colour'", error);
        Assert.Contains("Usage:", error);
    }

    [Fact]
    public void Options_parse_every_switch_and_refuse_bad_values()
    {
        var options = EmulatorOptions.Parse(["--port", "8123", "--seed", "my.json", "--numbers", "50", "--token", "abc", "--latency-ms", "20", "--exit-on-stdin-close"]);

        Assert.Equal(new EmulatorOptions { Port = 8123, SeedPath = "my.json", GeneratedNumbers = 50, Token = "abc", LatencyMs = 20, ExitOnStdinClose = true }, options);
        Assert.Equal("emulator-token", EmulatorOptions.Parse([]).Token);
        Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(["--port", "70000"]));
        Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(["--numbers"]));
    }

    private static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return Process.Start(info)!;
    }
}
