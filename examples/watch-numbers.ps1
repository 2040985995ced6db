# Hourly runbook: what changed in the WhatsApp numbers since the last run.
# Connects from WHATSAPP_ACCESS_TOKEN and WHATSAPP_BUSINESS_ID (or a Connect-WaAccount before it).
param(
    [string] $SnapshotPath = (Join-Path ([System.IO.Path]::GetTempPath()) 'whatsapp-numbers.xml'),
    [string[]] $BusinessAccountId
)
$ErrorActionPreference = 'Stop'
$listing = @{}
if ($BusinessAccountId) { $listing.BusinessAccountId = $BusinessAccountId }

# A failed listing stops the run here: nothing is compared and the last snapshot is kept.
$current = @(Get-WaPhoneNumber @listing)

if (Test-Path -LiteralPath $SnapshotPath) {
    $previous = @(Import-Clixml -LiteralPath $SnapshotPath)
    $changes = @(Compare-WaPhoneNumber -ReferenceObject $previous -DifferenceObject $current)
    $changes | ForEach-Object { "$_" }   # one line per change, in the job's output
    $alerts = @($changes | Where-Object Severity -eq 'Error')
}
else {
    $alerts = @()
}

# Save first, then alert: each change is reported by exactly one run.
$current | Export-Clixml -LiteralPath $SnapshotPath
if ($alerts.Count -gt 0) {
    # A failed job is what the alert rule watches; send mail or a Teams message here instead if you like.
    throw "WhatsApp numbers need attention:`n$($alerts -join "`n")"
}
