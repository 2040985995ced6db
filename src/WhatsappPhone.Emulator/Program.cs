using System.Runtime.InteropServices;
using WhatsappPhone.Emulator;

EmulatorOptions options;
try
{
    options = EmulatorOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(EmulatorOptions.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
void Stop(PosixSignalContext signal)
{
    // Handled here so the process ends through the normal path: a clean Kestrel shutdown.
    signal.Cancel = true;
    stop.Cancel();
}
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

EmulatorHandle emulator;
try
{
    emulator = await EmulatorHost.StartAsync(options);
}
catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"The emulator could not start: {e.Message}");
    return 1;
}

await using (emulator)
{
    var baseUrl = emulator.BaseUri.GetLeftPart(UriPartial.Authority);
    Console.WriteLine($"WhatsappPhone emulator listening on {baseUrl}");
    Console.WriteLine($"Access token: {emulator.Token}");
    Console.WriteLine($"Control API: {baseUrl}/_emulator");
    Console.WriteLine("Press Ctrl+C to stop.");
    if (emulator.GeneratedWabaId is { } waba)
    {
        Console.WriteLine($"Generated {options.GeneratedNumbers} numbers in WABA {waba}");
    }

    if (options.ExitOnStdinClose)
    {
        _ = Task.Run(async () =>
        {
            // The parent holds the other end of stdin; end of file means it closed it or died.
            await using var stdin = Console.OpenStandardInput();
            var buffer = new byte[256];
            while (await stdin.ReadAsync(buffer) > 0)
            {
            }
            stop.Cancel();
        });
    }

    try
    {
        await Task.Delay(Timeout.Infinite, stop.Token);
    }
    catch (OperationCanceledException)
    {
        // Asked to stop.
    }
}
return 0;
