# Shared by the Pester files: the built module, and an emulator started per file on a free port.

function Import-BuiltModule {
    if (-not $env:WHATSAPP_TEST_MODULE) { throw 'Run through build.ps1 Test (WHATSAPP_TEST_MODULE names the built manifest).' }
    Import-Module $env:WHATSAPP_TEST_MODULE -Force -Global
}

function Start-TestEmulator {
    param([int] $Numbers, [int] $LatencyMs, [string] $AppSecret, [string] $CallbackUri)
    Import-Module (Join-Path $env:WHATSAPP_TEST_EMULATOR 'WhatsappPhoneEmulator.psm1') -Force -Global
    Start-WaEmulator @PSBoundParameters
}

function Invoke-Control {
    param([Parameter(Mandatory)] $Emulator, [Parameter(Mandatory)] [string] $Path, [string] $Method = 'Get', $Body)
    $args = @{ Uri = "$($Emulator.ControlUri)/$Path"; Method = $Method }
    if ($null -ne $Body) { $args.Body = ($Body | ConvertTo-Json -Depth 5); $args.ContentType = 'application/json' }
    Invoke-RestMethod @args
}

# The Graph requests the emulator received since the last Clear-RequestLog, one object each.
function Get-RequestLog([Parameter(Mandatory)] $Emulator) {
    # Invoke-RestMethod writes a JSON array as one object; returning it from a variable unrolls it.
    $entries = Invoke-Control $Emulator 'requests'
    $entries
}
function Clear-RequestLog([Parameter(Mandatory)] $Emulator) { $null = Invoke-Control $Emulator 'requests' -Method Delete }
function Reset-Emulator([Parameter(Mandatory)] $Emulator) { $null = Invoke-Control $Emulator 'reset' -Method Post }

function Add-Fault {
    param([Parameter(Mandatory)] $Emulator, [Parameter(Mandatory)] [hashtable] $Fault)
    $null = Invoke-Control $Emulator 'faults' -Method Post -Body $Fault
}

# A loopback port nothing listens on now, for a webhook listener the test starts later.
function Get-FreePort {
    $probe = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $probe.Start()
    try { $probe.LocalEndpoint.Port } finally { $probe.Stop() }
}

# X-Hub-Signature-256 as Meta computes it, with nothing from the module.
function New-WebhookSignature([Parameter(Mandatory)] [string] $Body, [Parameter(Mandatory)] [string] $Secret) {
    $hmac = [System.Security.Cryptography.HMACSHA256]::new([Text.Encoding]::UTF8.GetBytes($Secret))
    try { 'sha256=' + [Convert]::ToHexString($hmac.ComputeHash([Text.Encoding]::UTF8.GetBytes($Body))).ToLowerInvariant() }
    finally { $hmac.Dispose() }
}

# A security notification in Meta's envelope whose requester is "n<N>", so each one is told apart by its event.
function New-TestNotification([int] $N) {
    '{"object":"whatsapp_business_account","entry":[{"id":"114503234599312","time":' + (1739321024 + $N) + ',"changes":[{"field":"security","value":{"display_phone_number":"15550783881","event":"PIN_CHANGED","requester":"n' + $N + '"}}]}]}'
}

# The cmdlets the module exports, written once for the tests of the loaded module and of its package.
function Get-ExpectedCmdlet {
    @('Compare-WaPhoneNumber', 'Confirm-WaPhoneNumberCode', 'Connect-WaAccount', 'Disconnect-WaAccount', 'Get-WaBusinessAccount', 'Get-WaPhoneNumber',
        'Register-WaPhoneNumber', 'Request-WaPhoneNumberCode', 'Set-WaPhoneNumberPin', 'Test-WaPhoneNumber', 'Unregister-WaPhoneNumber',
        'New-WaPhoneNumber', 'Set-WaPhoneNumberDisplayName', 'Get-WaPhoneNumberSetting', 'Set-WaPhoneNumberSetting',
        'Get-WaBusinessProfile', 'Set-WaBusinessProfile',
        'Confirm-WaWebhookChallenge', 'ConvertFrom-WaWebhook', 'Receive-WaWebhook', 'Test-WaWebhookSignature',
        'Get-WaWebhookSubscription', 'Register-WaWebhookSubscription', 'Unregister-WaWebhookSubscription', 'Set-WaPhoneNumberWebhook', 'Remove-WaPhoneNumberWebhook',
        'Watch-WaPhoneNumber') | Sort-Object
}

Export-ModuleMember -Function *
