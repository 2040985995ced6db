# Watch-WaPhoneNumber with webhooks and polls together, against the emulator, which notifies its
# control-API changes to the watch's listener (signed, re-delivered on its clock when not answered
# 200). What a test waits for is a state (a listing logged, a delivery delivered), never a time:
# a watch that must write nothing for a webhook is ended by a later webhook's change (-Count 1),
# which it writes only after the first (a listener applies notifications in order); -TimeoutSec
# only bounds a test on a busy machine.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BuiltModule
    $script:appSecret = 'watch-app-s3cret'
    $script:verifyToken = 'watch-v3rify'
    $script:hook = "http://127.0.0.1:$(Get-FreePort)/hook/"
    $script:emu = Start-TestEmulator -AppSecret $appSecret -CallbackUri $hook
    $script:market = '104996122399160'
    $script:connected = '106540352242922'       # CONNECTED, GREEN, TIER_100K
    Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $market
    Register-WaWebhookSubscription -BusinessAccountId $market -Confirm:$false
    # A notification not answered 200 is tried again ten minutes later on the emulator's clock: only moving the clock brings it.
    $null = Invoke-Control $emu 'webhooks' -Method Post -Body @{ retryDelayMs = 600000 }
    $script:watch = @{ Prefix = $hook; AppSecret = $appSecret; VerifyToken = $verifyToken }

    function script:Format-Change { process { '{0} {1} {2} {3} {4} {5}' -f $_.PhoneNumberId, $_.Change, $_.Property, $_.OldValue, $_.NewValue, $_.Source } }
    function script:Get-Deliveries { @(Invoke-Control $emu 'webhooks/deliveries' | ForEach-Object { $_ }) }

    # For a job: once every delivery so far is delivered, a quality change to RED, notified: the change that ends a watch run with -Count 1.
    $script:thenSentinel = @'
        for ($i = 0; $i -lt 2400; $i++) {
            if (@(Invoke-RestMethod "$control/webhooks/deliveries" | ForEach-Object { $_ } | Where-Object status -ne 'delivered').Count -eq 0) { break }
            Start-Sleep -Milliseconds 25
        }
        $null = Invoke-RestMethod "$control/numbers/$number/quality" -Method Post -ContentType 'application/json' -Body '{"qualityRating":"RED"}'
'@

    # Once the watch's listener answers the handshake and its first poll has listed the account, runs $Then against the control API.
    function script:Start-AfterFirstPoll([scriptblock] $Then) {
        Clear-RequestLog $emu
        Start-ThreadJob -ArgumentList $hook, $emu.ControlUri, $verifyToken, $connected, $market, $Then.ToString() {
            param($hook, $control, $token, $number, $waba, $then)
            for ($i = 0; $i -lt 2400; $i++) {
                try { if ((Invoke-RestMethod "$($hook)?hub.mode=subscribe&hub.challenge=go&hub.verify_token=$token" -TimeoutSec 5) -eq 'go') { break } }
                catch { Start-Sleep -Milliseconds 25 }
            }
            for ($i = 0; $i -lt 2400; $i++) {
                if (@(Invoke-RestMethod "$control/requests" | ForEach-Object { $_ } | Where-Object path -like "*/$waba/phone_numbers").Count -gt 0) { break }
                Start-Sleep -Milliseconds 25
            }
            & ([scriptblock]::Create($then)) $control $number
        }
    }
}

AfterAll {
    Disconnect-WaAccount
    if ($emu) { Stop-WaEmulator $emu }
}

Describe 'A watch with webhooks' {
    BeforeEach {
        Reset-Emulator $emu
        Register-WaWebhookSubscription -BusinessAccountId $market -Confirm:$false
        $null = Invoke-Control $emu 'webhooks' -Method Post -Body @{ retryDelayMs = 600000 }
        $script:state = Join-Path $TestDrive "state-$([guid]::NewGuid().ToString('N')).json"
        $null = Watch-WaPhoneNumber -StatePath $state -Once
    }

    It 'writes a change announced by a webhook at once, with Source Webhook, and the next poll does not write it again' {
        # The next poll is an hour away: only the webhook can bring the change in this run.
        $job = Start-AfterFirstPoll { param($control, $number) $null = Invoke-RestMethod "$control/numbers/$number/quality" -Method Post -ContentType 'application/json' -Body '{"qualityRating":"RED"}' }
        $changes = @(Watch-WaPhoneNumber -StatePath $state -PollIntervalSec 3600 -Count 1 -TimeoutSec 120 @watch)
        $job | Wait-Job -Timeout 60 | Remove-Job -Force

        $changes | Format-Change | Should -Be "$connected QualityDown QualityRating GREEN RED Webhook"
        (Get-Deliveries).status | Should -Be 'delivered'
        # A poll now sees RED too, and writes nothing: the webhook's change is in the saved state.
        Watch-WaPhoneNumber -StatePath $state -Once | Should -BeNullOrEmpty
    }

    It 'writes from the poll a change whose webhook was lost, and nothing when the webhook comes later' {
        # The change is notified while no watch listens: the delivery fails, and is due again in ten minutes on the emulator's clock.
        $null = Invoke-Control $emu "numbers/$connected/quality" -Method Post -Body @{ qualityRating = 'YELLOW' }
        for ($i = 0; $i -lt 2400 -and -not (Get-Deliveries | Where-Object { $_.attempts -ge 1 -and $_.nextAttempt }); $i++) { Start-Sleep -Milliseconds 25 }
        $changes = @(Watch-WaPhoneNumber -StatePath $state -PollIntervalSec 3600 -Count 1 -TimeoutSec 120 @watch)
        $changes | Format-Change | Should -Be "$connected QualityDown QualityRating GREEN YELLOW Poll"

        # The webhook comes at last (the clock moved on): it is acknowledged and writes nothing; the next change ends the run.
        $job = Start-AfterFirstPoll ([scriptblock]::Create("param(`$control, `$number) `$null = Invoke-RestMethod `"`$control/clock`" -Method Post -ContentType 'application/json' -Body '{`"advanceHours`":1}'`n$thenSentinel"))
        $later = @(Watch-WaPhoneNumber -StatePath $state -PollIntervalSec 3600 -Count 1 -TimeoutSec 120 @watch)
        $job | Wait-Job -Timeout 60 | Remove-Job -Force
        $later | Format-Change | Should -Be "$connected QualityDown QualityRating YELLOW RED Webhook"
        (Get-Deliveries).status | Should -Be @('delivered', 'delivered')
        (Get-Deliveries)[0].attempts | Should -BeGreaterThan 1
    }

    It 'writes nothing for a webhook that is not about a number''s state, and acknowledges it' {
        $job = Start-AfterFirstPoll ([scriptblock]::Create("param(`$control, `$number) `$null = Invoke-RestMethod `"`$control/numbers/`$number/messages`" -Method Post -ContentType 'application/json' -Body '{`"text`":`"hi`"}'`n$thenSentinel"))
        $changes = @(Watch-WaPhoneNumber -StatePath $state -PollIntervalSec 3600 -Count 1 -TimeoutSec 120 @watch)
        $job | Wait-Job -Timeout 60 | Remove-Job -Force
        $changes | Format-Change | Should -Be "$connected QualityDown QualityRating GREEN RED Webhook"
        (Get-Deliveries).field | Should -Be @('messages', 'phone_number_quality_update')
        (Get-Deliveries).status | Should -Be @('delivered', 'delivered')
    }

    It 'does not acknowledge a webhook whose number cannot be read: an error, and Meta delivers it again' {
        $job = Start-AfterFirstPoll ([scriptblock]::Create(@'
param($control, $number)
$fault = @{ method = 'GET'; pathContains = "/$number"; kind = 'graph'; status = 401; code = 190; count = 1 } | ConvertTo-Json
$null = Invoke-RestMethod "$control/faults" -Method Post -ContentType 'application/json' -Body $fault
$null = Invoke-RestMethod "$control/numbers/$number/quality" -Method Post -ContentType 'application/json' -Body '{"qualityRating":"RED"}'
for ($i = 0; $i -lt 2400; $i++) {
    if (@(Invoke-RestMethod "$control/webhooks/deliveries" | ForEach-Object { $_ } | Where-Object { $_.lastStatus -eq 503 }).Count -gt 0) { break }
    Start-Sleep -Milliseconds 25
}
$null = Invoke-RestMethod "$control/numbers/$number/quality" -Method Post -ContentType 'application/json' -Body '{"qualityRating":"YELLOW"}'
'@))
        $changes = @(Watch-WaPhoneNumber -StatePath $state -PollIntervalSec 3600 -Count 1 -TimeoutSec 120 @watch -ErrorVariable failed -ErrorAction SilentlyContinue)
        $job | Wait-Job -Timeout 60 | Remove-Job -Force

        $changes | Format-Change | Should -Be "$connected QualityDown QualityRating GREEN YELLOW Webhook"
        $failed.FullyQualifiedErrorId | Should -BeLike 'WaApi.190,*'
        $failed.TargetObject | Should -Be $connected
        $first = (Get-Deliveries)[0]
        $first.lastStatus | Should -Be 503
        $first.status | Should -Be 'pending'
    }

    It 'refuses webhook parameters without -Prefix, -Prefix without -AppSecret, and -Prefix with -Once, before any request' {
        Clear-RequestLog $emu
        { Watch-WaPhoneNumber -StatePath $state -AppSecret $appSecret -Once } | Should -Throw -ErrorId 'WaWatchWebhookParameters,*'
        { Watch-WaPhoneNumber -StatePath $state -Prefix $hook } | Should -Throw -ErrorId 'WaWatchWebhookParameters,*'
        { Watch-WaPhoneNumber -StatePath $state -Once @watch } | Should -Throw -ErrorId 'WaWatchWebhookParameters,*'
        @(Get-RequestLog $emu).Count | Should -Be 0
    }
}
