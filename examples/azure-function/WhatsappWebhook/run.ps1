using namespace System.Net

# Meta's webhook for a WhatsApp Business Account: the verification GET and signed notifications.
# App settings: WHATSAPP_APP_SECRET (App Dashboard > Settings > Basic) and WHATSAPP_VERIFY_TOKEN
# (the token given with the callback URL). Each event goes to the whatsapp-events queue as JSON,
# with an Id that is the same when Meta delivers the change again: de-duplicate on it downstream.
param($Request, $TriggerMetadata)

function Send-Response([HttpStatusCode] $Status, [string] $Body = '') {
    Push-OutputBinding -Name Response -Value ([HttpResponseContext]@{
        StatusCode  = $Status
        ContentType = 'text/plain'
        Body        = $Body
    })
}

$appSecret = $env:WHATSAPP_APP_SECRET
$verifyToken = $env:WHATSAPP_VERIFY_TOKEN

if ($Request.Method -eq 'GET') {
    $challenge = if ($verifyToken) {
        Confirm-WaWebhookChallenge -Query $Request.Query -VerifyToken $verifyToken -ErrorAction SilentlyContinue -ErrorVariable refused
    }
    if ($challenge) { Send-Response OK $challenge }
    else {
        Write-Warning "Refused a verification request: $(if ($refused) { $refused[0].FullyQualifiedErrorId.Split(',')[0] } else { 'WHATSAPP_VERIFY_TOKEN is not set' })."
        Send-Response Forbidden
    }
    return
}

# The signature covers the raw bytes: $Request.RawBody, never $Request.Body (already parsed).
$signature = $Request.Headers['x-hub-signature-256']
if (-not $appSecret -or -not (Test-WaWebhookSignature -Body "$($Request.RawBody)" -Signature $signature -AppSecret $appSecret)) {
    Write-Warning "Refused a notification: $(if (-not $signature) { 'no X-Hub-Signature-256 header' } else { 'the signature does not match' })."
    Send-Response Unauthorized
    return
}

# Signed by Meta: answer 200 whatever follows, or Meta delivers it again for 36 hours.
Send-Response OK
try {
    $events = @(ConvertFrom-WaWebhook -Body "$($Request.RawBody)" -ErrorAction Stop)
}
catch {
    Write-Warning "A signed notification could not be read: $($_.Exception.Message)"
    return
}
if ($events.Count -gt 0) {
    Push-OutputBinding -Name Events -Value @($events | ForEach-Object {
        $_ | Select-Object Id, Field, Event, BusinessAccountId, DisplayPhoneNumber, PhoneNumberId, Time, Value | ConvertTo-Json -Compress
    })
}
Write-Information "Queued $($events.Count) event(s): $(($events.Field | Sort-Object -Unique) -join ', ')." -InformationAction Continue
