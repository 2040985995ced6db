# Starts and stops the local Graph API emulator from PowerShell (tests, the demo, your own scripts).
# It sits beside WhatsappPhone.Emulator.dll in the build output (out/emulator).

function Start-WaEmulator {
    <#
    .SYNOPSIS
        Starts the WhatsappPhone Graph API emulator on 127.0.0.1 and returns how to reach it.
    .DESCRIPTION
        Returns an object with BaseUri, Token, ControlUri and Process. Point the module at it with
        Connect-WaAccount -AccessToken $e.Token -BaseUri $e.BaseUri, or the WHATSAPP_* variables.
        The emulator exits when this PowerShell process exits.
    .EXAMPLE
        $e = Start-WaEmulator -Numbers 5000; Connect-WaAccount -AccessToken $e.Token -BaseUri $e.BaseUri
    #>
    [CmdletBinding()]
    param(
        [int] $Port = 0,
        [int] $Numbers,
        [string] $Seed,
        [string] $Token,
        [int] $LatencyMs,
        # Signs the webhook notifications the emulator sends (default emulator-app-secret).
        [string] $AppSecret,
        # The app's default webhook callback, where the emulator delivers notifications.
        [string] $CallbackUri,
        [int] $TimeoutSec = 60
    )
    $arguments = [System.Collections.Generic.List[string]]::new()
    $arguments.AddRange([string[]]@((Join-Path $PSScriptRoot 'WhatsappPhone.Emulator.dll'), '--port', "$Port", '--exit-on-stdin-close'))
    if ($PSBoundParameters.ContainsKey('Numbers')) { $arguments.AddRange([string[]]@('--numbers', "$Numbers")) }
    if ($Seed) { $arguments.AddRange([string[]]@('--seed', $Seed)) }
    if ($Token) { $arguments.AddRange([string[]]@('--token', $Token)) }
    if ($PSBoundParameters.ContainsKey('LatencyMs')) { $arguments.AddRange([string[]]@('--latency-ms', "$LatencyMs")) }
    if ($AppSecret) { $arguments.AddRange([string[]]@('--app-secret', $AppSecret)) }
    if ($CallbackUri) { $arguments.AddRange([string[]]@('--callback-uri', $CallbackUri)) }

    $info = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in $arguments) { $info.ArgumentList.Add($a) }
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($info)

    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    $baseUri = $null; $accessToken = $null; $lines = @()
    while (-not $accessToken) {
        $read = $process.StandardOutput.ReadLineAsync()
        $left = [int][Math]::Max(0, ($deadline - [DateTime]::UtcNow).TotalMilliseconds)
        if (-not $read.Wait($left) -or $null -eq $read.Result) {
            if (-not $process.HasExited) { $process.Kill() }
            throw "The emulator did not start within $TimeoutSec seconds. It printed: $($lines -join ' | ')"
        }
        $lines += $read.Result
        if ($read.Result -match 'listening on (\S+)') { $baseUri = $Matches[1] }
        elseif ($read.Result -match '^Access token: (\S+)') { $accessToken = $Matches[1] }
    }
    # Keep reading what it prints later, so a full pipe never blocks it.
    $null = $process.StandardOutput.ReadToEndAsync()
    [pscustomobject]@{
        PSTypeName = 'WhatsappPhone.Emulator'
        BaseUri    = $baseUri
        Token      = $accessToken
        ControlUri = "$baseUri/_emulator"
        Process    = $process
    }
}

function Stop-WaEmulator {
    <#
    .SYNOPSIS
        Stops an emulator started with Start-WaEmulator.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] $Emulator)
    process {
        $p = $Emulator.Process
        if ($p.HasExited) { return }
        $p.StandardInput.Close()
        if (-not $p.WaitForExit(10000)) { $p.Kill() }
    }
}

Export-ModuleMember -Function Start-WaEmulator, Stop-WaEmulator
