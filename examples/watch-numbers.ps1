# Hourly runbook: what changed in the WhatsApp numbers since the last run.
# Connects from WHATSAPP_ACCESS_TOKEN and WHATSAPP_BUSINESS_ID (or a Connect-WaAccount before it).
param(
    [string] $StatePath = (Join-Path ([System.IO.Path]::GetTempPath()) 'whatsapp-watch.json'),
    [string[]] $BusinessAccountId
)
$accounts = @{}
if ($BusinessAccountId) { $accounts.BusinessAccountId = $BusinessAccountId }

# One poll against the state the last run saved (the first run only takes the baseline). An
# account that cannot be read fails the job below; its numbers are not reported removed.
$changes = @(Watch-WaPhoneNumber @accounts -StatePath $StatePath -Once -ErrorVariable failures -ErrorAction SilentlyContinue)
$changes | ForEach-Object { "$_" }   # one line per change, in the job's output

# The state holds what was written, so each change is reported by one run only.
$alerts = @($changes | Where-Object Severity -eq 'Error') + @($failures)
if ($alerts.Count -gt 0) {
    # A failed job is what the alert rule watches; send mail or a Teams message here instead if you like.
    throw "WhatsApp numbers need attention:`n$($alerts -join "`n")"
}
