<#
.SYNOPSIS
    A walk through the WhatsappPhone module against the local Graph API emulator.
.DESCRIPTION
    Run it with: dotnet tool restore && dotnet pwsh ./build.ps1 Demo
    Every command below is what you would type against the real Graph API; only the token and
    base URI given to Connect-WaAccount point at the emulator.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $EmulatorPath
)
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

function Step([string] $text) { Write-Host "`n== $text" -ForegroundColor Cyan }
function Show([string] $command) { Write-Host "PS> $command" -ForegroundColor Yellow }

Import-Module (Join-Path $EmulatorPath 'WhatsappPhoneEmulator.psm1')
$emulator = Start-WaEmulator
try {
    Step "The emulator is listening on $($emulator.BaseUri)"
    Show "Import-Module $(Resolve-Path $ModulePath -Relative)"
    Import-Module $ModulePath

    Show "Connect-WaAccount -AccessToken <token> -BaseUri $($emulator.BaseUri) -BusinessAccountId 104996122399160"
    Connect-WaAccount -AccessToken $emulator.Token -BaseUri $emulator.BaseUri -BusinessAccountId 104996122399160

    Step 'Every number of the WhatsApp Business Account, as a table'
    Show 'Get-WaPhoneNumber'
    Get-WaPhoneNumber | Format-Table | Out-Host

    Step 'Filtering: numbers that are not CONNECTED, or whose quality is not GREEN'
    Show "Get-WaPhoneNumber | Where-Object { `$_.Status -ne 'CONNECTED' -or `$_.QualityRating -ne 'GREEN' } | Select-Object DisplayPhoneNumber, Status, QualityRating"
    Get-WaPhoneNumber | Where-Object { $_.Status -ne 'CONNECTED' -or $_.QualityRating -ne 'GREEN' } |
        Select-Object DisplayPhoneNumber, Status, QualityRating | Format-Table | Out-Host

    Step 'Exporting to CSV'
    $csv = Join-Path ([IO.Path]::GetTempPath()) "whatsapp-numbers-$PID.csv"
    Show "Get-WaPhoneNumber | Export-Csv $csv -NoTypeInformation"
    Get-WaPhoneNumber | Export-Csv $csv -NoTypeInformation
    Show "Get-Content $csv -TotalCount 3"
    Get-Content $csv -TotalCount 3 | Out-Host
    Remove-Item $csv

    Step 'Registering a number with its two-step PIN'
    Show "Register-WaPhoneNumber -PhoneNumberId 113980272650307 -Pin '******' -PassThru"
    Register-WaPhoneNumber -PhoneNumberId 113980272650307 -Pin '135790' -PassThru | Format-Table | Out-Host

    Step 'Deregistering it again (-Force: no confirmation prompt, as in a runbook)'
    Show 'Unregister-WaPhoneNumber -PhoneNumberId 113980272650307 -Force -PassThru'
    Unregister-WaPhoneNumber -PhoneNumberId 113980272650307 -Force -PassThru | Format-Table | Out-Host

    Step 'Handling an error by its Graph code: a wrong PIN'
    Show "try { Register-WaPhoneNumber -PhoneNumberId 113980272650307 -Pin '******' -ErrorAction Stop } catch [WhatsappPhone.Api.GraphApiException] { ... }"
    try {
        Register-WaPhoneNumber -PhoneNumberId 113980272650307 -Pin '000000' -ErrorAction Stop
        throw 'The wrong PIN was accepted.'
    }
    catch [WhatsappPhone.Api.GraphApiException] {
        Write-Host "Caught $($_.FullyQualifiedErrorId)"
        Write-Host "  Code $($_.Exception.Code), category $($_.CategoryInfo.Category), target $($_.TargetObject), fbtrace_id $($_.Exception.FbTraceId)"
        Write-Host "  $($_.Exception.Message)"
    }

    Step 'Health check: each sick number with what is wrong and what to do'
    Show "`$sick = Test-WaPhoneNumber -BusinessAccountId 104996122399160 | Where-Object { -not `$_.Healthy } | Select-Object -First 3; `$sick"
    $sick = Test-WaPhoneNumber -BusinessAccountId 104996122399160 | Where-Object { -not $_.Healthy } | Select-Object -First 3
    $sick | Format-Table | Out-Host
    Show '$sick[0].Issues'
    $sick[0].Issues | Format-List | Out-Host

    Step 'Done: the emulator stops now.'
}
finally {
    Stop-WaEmulator $emulator
}
