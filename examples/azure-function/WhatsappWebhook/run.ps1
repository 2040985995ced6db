using namespace System.Net

# Meta's webhook for a WhatsApp Business Account: the verification GET and signed notifications
# (POST); any other method gets 405. App settings: WHATSAPP_APP_SECRET (App Dashboard > Settings >
# Basic) and WHATSAPP_VERIFY_TOKEN (the token given with the callback URL). Each event goes to the
# whatsapp-events queue as JSON, with an Id that is the same when Meta delivers the change again:
# de-duplicate on it downstream.
#
# The HTTP answer and the queue message are output bindings: the worker commits them together when
# the function completes. If it fails before that, Meta gets an error instead of 200, nothing was
# queued, and Meta delivers the notification again.
param($Request, $TriggerMetadata)

function Send-Response([HttpStatusCode] $Status, [string] $Body = '', [hashtable] $Headers = @{}) {
    Push-OutputBinding -Name Response -Value ([HttpResponseContext]@{
        StatusCode  = $Status
        ContentType = 'text/plain'
        Body        = $Body
        Headers     = $Headers
    })
}

$appSecret = $env:WHATSAPP_APP_SECRET
$verifyToken = $env:WHATSAPP_VERIFY_TOKEN

if ($Request.Method -eq 'GET') {
    $challenge = if (-not [string]::IsNullOrWhiteSpace($verifyToken)) {
        Confirm-WaWebhookChallenge -Query $Request.Query -VerifyToken $verifyToken -ErrorAction SilentlyContinue -ErrorVariable refused
    }
    if ($challenge) { Send-Response OK $challenge }
    else {
        Write-Warning "Refused a verification request: $(if ($refused) { $refused[0].FullyQualifiedErrorId.Split(',')[0] } else { 'WHATSAPP_VERIFY_TOKEN is not set' })."
        Send-Response Forbidden
    }
    return
}

if ($Request.Method -ne 'POST') {
    Send-Response MethodNotAllowed -Headers @{ Allow = 'GET, POST' }
    return
}

# The signature covers the raw bytes: $Request.RawBody, never $Request.Body (already parsed).
$signature = $Request.Headers['x-hub-signature-256']
if ([string]::IsNullOrWhiteSpace($appSecret)) {
    Write-Warning 'Refused a notification: WHATSAPP_APP_SECRET is not set.'
    Send-Response Unauthorized
    return
}
if (-not (Test-WaWebhookSignature -Body "$($Request.RawBody)" -Signature $signature -AppSecret $appSecret)) {
    Write-Warning "Refused a notification: $(if (-not $signature) { 'no X-Hub-Signature-256 header' } else { 'the signature does not match' })."
    Send-Response Unauthorized
    return
}

# Signed by Meta. A body the module refuses (not JSON, more than 1,000 changes, ...) would be
# refused again on every re-delivery: it is answered 200 like the others, with a warning that says why.
$events = @(ConvertFrom-WaWebhook -Body "$($Request.RawBody)" -ErrorAction SilentlyContinue -ErrorVariable unreadable)
if ($unreadable) {
    Write-Warning "A signed notification was not queued: $($unreadable[0].FullyQualifiedErrorId.Split(',')[0]): $($unreadable[0].Exception.Message)"
}
if ($events.Count -gt 0) {
    Push-OutputBinding -Name Events -Value @($events | ForEach-Object {
        $_ | Select-Object Id, Field, Event, BusinessAccountId, DisplayPhoneNumber, PhoneNumberId, Time, Value | ConvertTo-Json -Compress
    })
    Write-Information "Queued $($events.Count) event(s): $(($events.Field | Sort-Object -Unique) -join ', ')." -InformationAction Continue
}
Send-Response OK
