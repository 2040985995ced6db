# Webhook subscriptions and overrides against the emulator, which verifies every callback with
# Meta's handshake; and the whole path: a state change in the emulator -> a signed notification ->
# Receive-WaWebhook -> events -> Get-WaPhoneNumber by the resolved ID.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BuiltModule
    $script:appSecret = 'app-s3cret-for-tests'
    $script:verifyToken = 'v3rify-t0ken-for-tests'
    $script:hook = "http://127.0.0.1:$(Get-FreePort)/hook/"
    $script:emu = Start-TestEmulator -AppSecret $appSecret -CallbackUri $hook
    $script:market = '104996122399160'          # Jasper's Market: many numbers
    $script:recordedWaba = '114503234599312'    # one SANDBOX number
    $script:connected = '106540352242922'       # a number of $market, CONNECTED
    Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $market

    # Receive-WaWebhook in a thread job, answering handshakes for -OverrideCallbackUri tests; returns once it answers one.
    function Start-HandshakeListener([string] $Prefix) {
        $job = Start-ThreadJob -ArgumentList $env:WHATSAPP_TEST_MODULE, $Prefix, $appSecret, $verifyToken {
            param($module, $prefix, $secret, $token)
            Import-Module $module
            Receive-WaWebhook -Prefix $prefix -AppSecret $secret -VerifyToken $token -TimeoutSec 30
        }
        $deadline = [DateTime]::UtcNow.AddSeconds(15)
        while ([DateTime]::UtcNow -lt $deadline) {
            try {
                $echo = Invoke-RestMethod "$($Prefix)?hub.mode=subscribe&hub.challenge=ready&hub.verify_token=$verifyToken" -TimeoutSec 2
                if ($echo -eq 'ready') { return $job }
            }
            catch { Start-Sleep -Milliseconds 50 }
        }
        throw "The listener at $Prefix did not start: $($job | Receive-Job -ErrorAction Continue 2>&1)"
    }
    function Stop-HandshakeListener($Job) { $Job | Stop-Job -PassThru | Remove-Job -Force }
}

AfterAll {
    Disconnect-WaAccount
    if ($emu) { Stop-WaEmulator $emu }
}

Describe 'Subscribing an account' {
    BeforeEach { Reset-Emulator $emu }

    It 'lists no app for an unsubscribed account, and lists the app once Register-WaWebhookSubscription subscribed it' {
        Get-WaWebhookSubscription -BusinessAccountId $market | Should -BeNullOrEmpty
        Clear-RequestLog $emu

        $sub = Register-WaWebhookSubscription -BusinessAccountId $market -Confirm:$false -PassThru

        $sub | Should -HaveCount 1
        $sub.BusinessAccountId | Should -Be $market
        $sub.AppId | Should -Be '1409662856548932'
        $sub.AppName | Should -Be 'WhatsappPhone Emulator App'
        $sub.AppLink | Should -Match '^https://www\.facebook\.com/'
        $sub.OverrideCallbackUri | Should -BeNullOrEmpty
        $post = @(Get-RequestLog $emu | Where-Object method -eq 'POST')
        $post.Count | Should -Be 1
        $post[0].path | Should -Be "/v25.0/$market/subscribed_apps"
        $post[0].body | Should -BeNullOrEmpty
    }

    It 'defaults to the connection''s account' {
        Register-WaWebhookSubscription -Confirm:$false
        (Get-WaWebhookSubscription).BusinessAccountId | Should -Be $market
    }

    It 'routes the account''s webhooks to an override only after the handshake to Receive-WaWebhook succeeds' {
        $overrideHook = "http://127.0.0.1:$(Get-FreePort)/override/"
        $listener = Start-HandshakeListener $overrideHook
        try {
            $sub = Register-WaWebhookSubscription -BusinessAccountId $market -OverrideCallbackUri $overrideHook -VerifyToken $verifyToken -Confirm:$false -PassThru
        }
        finally { Stop-HandshakeListener $listener }

        $sub.OverrideCallbackUri | Should -Be $overrideHook
        (Get-WaWebhookSubscription -BusinessAccountId $market).OverrideCallbackUri | Should -Be $overrideHook
    }

    It 'reports a failed handshake as WaApi.2200 and changes nothing' {
        $overrideHook = "http://127.0.0.1:$(Get-FreePort)/override/"
        $listener = Start-HandshakeListener $overrideHook
        try {
            Register-WaWebhookSubscription -BusinessAccountId $market -OverrideCallbackUri $overrideHook -VerifyToken 'not-the-listeners-token' -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        }
        finally { Stop-HandshakeListener $listener }

        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'WaApi.2200,*'
        $err[0].TargetObject | Should -Be $market
        "$($err[0])" | Should -Match 'HTTP Status Code = 403'
        "$($err[0])" | Should -Not -Match 'not-the-listeners-token'
        Get-WaWebhookSubscription -BusinessAccountId $market | Should -BeNullOrEmpty
    }

    It 'refuses an http callback to another machine, and an override without its verify token, before any request' {
        Clear-RequestLog $emu
        { Register-WaWebhookSubscription -BusinessAccountId $market -OverrideCallbackUri 'http://example.com/hook' -VerifyToken 't' -Confirm:$false } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError,WhatsappPhone.Cmdlets.RegisterWaWebhookSubscriptionCommand' -ExpectedMessage '*https*'
        { Register-WaWebhookSubscription -BusinessAccountId $market -OverrideCallbackUri 'https://example.com/hook' -Confirm:$false } |
            Should -Throw -ErrorId 'WaWebhookOverrideIncomplete,WhatsappPhone.Cmdlets.RegisterWaWebhookSubscriptionCommand'
        { Set-WaPhoneNumberWebhook -PhoneNumberId $connected -CallbackUri 'https://user:pw@example.com/hook' -VerifyToken 't' -Confirm:$false } |
            Should -Throw -ExpectedMessage '*user name or password*'
        @(Get-RequestLog $emu).Count | Should -Be 0
    }

    It 'refuses an empty or blank verify token at binding, before any request' {
        Clear-RequestLog $emu
        foreach ($blank in '', '   ', "`n") {
            { Set-WaPhoneNumberWebhook -PhoneNumberId $connected -CallbackUri 'https://example.com/hook' -VerifyToken $blank -Confirm:$false } |
                Should -Throw -ErrorId 'ParameterArgumentTransformationError,WhatsappPhone.Cmdlets.SetWaPhoneNumberWebhookCommand'
            { Register-WaWebhookSubscription -BusinessAccountId $market -OverrideCallbackUri 'https://example.com/hook' -VerifyToken $blank -Confirm:$false } |
                Should -Throw -ErrorId 'ParameterArgumentTransformationError,WhatsappPhone.Cmdlets.RegisterWaWebhookSubscriptionCommand'
        }
        @(Get-RequestLog $emu).Count | Should -Be 0
    }

    It 'sends a verify token trimmed of the line break a file leaves, so the handshake succeeds' {
        Register-WaWebhookSubscription -BusinessAccountId $market -Confirm:$false
        $numberHook = "http://127.0.0.1:$(Get-FreePort)/number/"
        $listener = Start-HandshakeListener $numberHook
        try {
            $set = Set-WaPhoneNumberWebhook -PhoneNumberId $connected -CallbackUri $numberHook -VerifyToken "$verifyToken`r`n" -Confirm:$false -PassThru -ErrorAction Stop
        }
        finally { Stop-HandshakeListener $listener }
        $set.PhoneNumberCallbackUri | Should -Be $numberHook
    }

    It 'sends a callback''s query (a function key) to Graph whole, and shows it nowhere' {
        $key = 'FUNCTION-KEY-8c1f2e'
        $overrideHook = "http://127.0.0.1:$(Get-FreePort)/override/"
        $listener = Start-HandshakeListener $overrideHook
        try {
            Clear-RequestLog $emu
            $shown = foreach ($command in @(
                    { Register-WaWebhookSubscription -BusinessAccountId $market -OverrideCallbackUri "$($overrideHook)?code=$key" -VerifyToken $verifyToken -Confirm:$false -PassThru -Verbose }
                    { Set-WaPhoneNumberWebhook -PhoneNumberId $connected -CallbackUri "$($overrideHook)?code=$key" -VerifyToken $verifyToken -Confirm:$false -PassThru -Verbose }
                    { Get-WaWebhookSubscription -BusinessAccountId $market }
                    { Register-WaWebhookSubscription -BusinessAccountId $market -OverrideCallbackUri "http://example.com/hook?code=$key" -VerifyToken $verifyToken -Confirm:$false }
                    { Register-WaWebhookSubscription -BusinessAccountId $market -OverrideCallbackUri "https://example.com/hook?code=$key" -Confirm:$false }
                    { Set-WaPhoneNumberWebhook -PhoneNumberId $connected -CallbackUri "example.com/hook?code=$key" -VerifyToken $verifyToken -Confirm:$false }
                    { Set-WaPhoneNumberWebhook -PhoneNumberId $connected -CallbackUri "https://example.com/hook?code=$key" -VerifyToken $verifyToken -WhatIf })) {
                try { & $command *>&1 } catch { $_ }
            }
        }
        finally { Stop-HandshakeListener $listener }

        @(Get-RequestLog $emu | Where-Object method -eq 'POST').body -join "`n" | Should -Match $key
        $objects = @($shown | Where-Object { $_ -is [WhatsappPhone.Models.WebhookSubscription] -or $_ -is [WhatsappPhone.Models.PhoneNumberWebhook] })
        $objects.Count | Should -Be 3
        $objects[0].OverrideCallbackUri | Should -BeExactly "$($overrideHook)?…"
        $objects[1].PhoneNumberCallbackUri | Should -BeExactly "$($overrideHook)?…"
        $errors = @($shown | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $errors.Count | Should -Be 3
        $objects | Export-Clixml (Join-Path $TestDrive 'webhooks.xml')
        $text = ($shown | Out-String) + ($shown | ForEach-Object { $_ | Format-List * -Force | Out-String }) +
            ($errors | ForEach-Object { "$($_.TargetObject) $($_.Exception.Message)" }) + ($objects | ConvertTo-Json -Depth 4) +
            (Get-Content -Raw (Join-Path $TestDrive 'webhooks.xml')) + ($objects | ForEach-Object ToString)
        $text | Should -Not -Match $key
    }

    It 'sends nothing with -WhatIf' {
        Register-WaWebhookSubscription -BusinessAccountId $market -Confirm:$false
        Clear-RequestLog $emu

        Register-WaWebhookSubscription -BusinessAccountId $market -OverrideCallbackUri 'https://example.com/hook?code=functionkey' -VerifyToken $verifyToken -WhatIf
        Unregister-WaWebhookSubscription -BusinessAccountId $market -Force -WhatIf
        Set-WaPhoneNumberWebhook -PhoneNumberId $connected -CallbackUri 'https://example.com/hook' -VerifyToken $verifyToken -WhatIf
        Remove-WaPhoneNumberWebhook -PhoneNumberId $connected -WhatIf

        @(Get-RequestLog $emu).Count | Should -Be 0
        Get-WaWebhookSubscription -BusinessAccountId $market | Should -HaveCount 1
    }

    It 'binds piped accounts by their Id and listed numbers by their BusinessAccountId (each account once), never a number''s own Id' {
        (Get-WaBusinessAccount -BusinessId '2245160378861502' | Register-WaWebhookSubscription -Confirm:$false -PassThru).BusinessAccountId |
            Should -Be @($recordedWaba, $market)
        Reset-Emulator $emu

        $numbers = @(Get-WaPhoneNumber -BusinessAccountId $market)
        Clear-RequestLog $emu
        $subscribed = @($numbers | Register-WaWebhookSubscription -Confirm:$false -PassThru)
        $numbers.Count | Should -BeGreaterThan 1
        $subscribed.BusinessAccountId | Should -Be $market
        @(Get-RequestLog $emu | Where-Object method -eq 'POST').Count | Should -Be 1

        Clear-RequestLog $emu
        { Get-WaPhoneNumber -PhoneNumberId $connected | Get-WaWebhookSubscription -ErrorAction Stop } | Should -Throw
        @(Get-RequestLog $emu | Where-Object path -like '*subscribed_apps').Count | Should -Be 0
    }
}

Describe 'Unsubscribing an account' {
    BeforeEach { Reset-Emulator $emu; Register-WaWebhookSubscription -BusinessAccountId $market -Confirm:$false }

    It 'asks for confirmation: a host that cannot ask gets an error and nothing is sent' {
        Clear-RequestLog $emu
        $script = "Import-Module '$env:WHATSAPP_TEST_MODULE'; Connect-WaAccount -AccessToken '$($emu.Token)' -BaseUri '$($emu.BaseUri)'; " +
            "try { Unregister-WaWebhookSubscription -BusinessAccountId $market -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId }"
        $out = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $script

        $out | Should -BeLike 'WaConfirmationNotPossible,*'
        @(Get-RequestLog $emu | Where-Object method -eq 'DELETE').Count | Should -Be 0
        Get-WaWebhookSubscription -BusinessAccountId $market | Should -HaveCount 1
    }

    It 'unsubscribes with -Force, and the account''s changes are no longer delivered' {
        Unregister-WaWebhookSubscription -BusinessAccountId $market -Force

        Get-WaWebhookSubscription -BusinessAccountId $market | Should -BeNullOrEmpty
        (Get-RequestLog $emu | Where-Object method -eq 'DELETE').path | Should -Be "/v25.0/$market/subscribed_apps"
        $outcome = Invoke-Control $emu "numbers/$connected/quality" -Method Post -Body @{ qualityRating = 'RED' }
        $outcome.delivery | Should -BeNullOrEmpty
        $outcome.notSent | Should -Match 'not subscribed'
    }
}

Describe 'A number''s webhook override' {
    BeforeEach { Reset-Emulator $emu }

    It 'is refused before the app is subscribed (error 100), with advice naming Register-WaWebhookSubscription' {
        Set-WaPhoneNumberWebhook -PhoneNumberId $connected -CallbackUri 'http://127.0.0.1:9/hook/' -VerifyToken $verifyToken -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue

        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'WaApi.100,*'
        $err[0].TargetObject | Should -Be $connected
        $err[0].Exception.GraphMessage | Should -Match 'must be subscribed'
        $err[0].ErrorDetails.Message | Should -Match 'Register-WaWebhookSubscription -BusinessAccountId'
        "$($err[0])" | Should -Match 'Register-WaWebhookSubscription'
    }

    It 'is set after subscribing, once the handshake succeeds, and removed again' {
        Register-WaWebhookSubscription -BusinessAccountId $market -Confirm:$false
        $numberHook = "http://127.0.0.1:$(Get-FreePort)/number/"
        $listener = Start-HandshakeListener $numberHook
        try {
            $set = Set-WaPhoneNumberWebhook -PhoneNumberId $connected -CallbackUri $numberHook -VerifyToken (ConvertTo-SecureString $verifyToken -AsPlainText -Force) -Confirm:$false -PassThru
        }
        finally { Stop-HandshakeListener $listener }

        $set.PhoneNumberId | Should -Be $connected
        $set.PhoneNumberCallbackUri | Should -Be $numberHook
        $set.ApplicationCallbackUri | Should -Be $hook
        $set.EffectiveCallbackUri | Should -Be $numberHook

        Clear-RequestLog $emu
        $removed = Remove-WaPhoneNumberWebhook -PhoneNumberId $connected -Confirm:$false -PassThru

        ((Get-RequestLog $emu)[0].body | ConvertFrom-Json).webhook_configuration.override_callback_uri | Should -Be ''
        $removed.PhoneNumberCallbackUri | Should -BeNullOrEmpty
        $removed.EffectiveCallbackUri | Should -Be $hook
    }

    It 'never shows the verify token in output, verbose, debug or errors' {
        Register-WaWebhookSubscription -BusinessAccountId $market -Confirm:$false
        $out = & {
            Set-WaPhoneNumberWebhook -PhoneNumberId $connected -CallbackUri 'http://127.0.0.1:9/hook/' -VerifyToken $verifyToken -Confirm:$false -Verbose -Debug -PassThru -ErrorAction Continue
            Register-WaWebhookSubscription -BusinessAccountId $market -OverrideCallbackUri 'http://127.0.0.1:9/hook/' -VerifyToken $verifyToken -Confirm:$false -Verbose -Debug -ErrorAction Continue
        } *>&1 | Out-String

        $out | Should -Match '2200'
        $out | Should -Not -Match $verifyToken
    }
}

Describe 'Test-WaPhoneNumber -IncludeWebhooks' {
    BeforeEach { Reset-Emulator $emu }

    It 'reports the numbers of an account with no subscribed app, asking once per account' {
        Register-WaWebhookSubscription -BusinessAccountId $recordedWaba -Confirm:$false
        Clear-RequestLog $emu

        $results = Test-WaPhoneNumber -BusinessAccountId $market, $recordedWaba -IncludeWebhooks

        $subscriptionCalls = @(Get-RequestLog $emu | Where-Object path -like '*/subscribed_apps')
        $subscriptionCalls.Count | Should -Be 2
        $marketResults = @($results | Where-Object BusinessAccountId -eq $market)
        $marketResults.Count | Should -BeGreaterThan 1
        foreach ($r in $marketResults) {
            $finding = $r.Issues | Where-Object Area -eq 'Webhooks'
            $finding.Severity | Should -Be 'Warning'
            $finding.Problem | Should -Match "no webhooks at all"
            $finding.Fix | Should -Be "Register-WaWebhookSubscription -BusinessAccountId $market"
        }
        ($results | Where-Object BusinessAccountId -eq $recordedWaba).Issues.Area | Should -Not -Contain 'Webhooks'
    }

    It 'finds the account of numbers given by ID from their health_status, one call per account' {
        Clear-RequestLog $emu
        $results = '106540352242922', '1120467832615094', '113980272650307' | Test-WaPhoneNumber -IncludeWebhooks

        @(Get-RequestLog $emu | Where-Object path -like '*/subscribed_apps').Count | Should -Be 1
        $results.Issues | Where-Object Area -eq 'Webhooks' | Should -HaveCount 3
    }

    It 'makes no subscription call without the switch' {
        Clear-RequestLog $emu
        $null = Test-WaPhoneNumber -BusinessAccountId $market
        @(Get-RequestLog $emu | Where-Object path -like '*/subscribed_apps').Count | Should -Be 0
    }
}

Describe 'End to end: emulator -> Receive-WaWebhook -> events -> Get-WaPhoneNumber' {
    BeforeAll {
        Reset-Emulator $emu
        Register-WaWebhookSubscription -BusinessAccountId $market -Confirm:$false
        # Changes are made once the listener answers, from a thread job, so no delivery waits on a retry.
        $script:trigger = Start-ThreadJob -ArgumentList $hook, $emu.ControlUri, $verifyToken, $connected, $market {
            param($hook, $control, $token, $number, $waba)
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while ([DateTime]::UtcNow -lt $deadline) {
                try { if ((Invoke-RestMethod "$($hook)?hub.mode=subscribe&hub.challenge=go&hub.verify_token=$token" -TimeoutSec 2) -eq 'go') { break } }
                catch { Start-Sleep -Milliseconds 50 }
            }
            $post = { param($path, $body) Invoke-RestMethod "$control/$path" -Method Post -ContentType 'application/json' -Body ($body | ConvertTo-Json) }
            & $post "numbers/$number/quality" @{ messagingLimitTier = 'TIER_UNLIMITED' }
            & $post "numbers/$number/name" @{ decision = 'APPROVED'; requestedVerifiedName = 'Jasper''s Market Café' }
            & $post "numbers/$number/pin" @{ pin = '864209' }
            & $post "wabas/$waba/ban" @{ state = 'SCHEDULE_FOR_DISABLE'; date = 'April 17, 2025' }
        }
        $script:events = @(Receive-WaWebhook -Prefix $hook -AppSecret $appSecret -VerifyToken $verifyToken -Count 4 -TimeoutSec 30 -Resolve)
        $script:sent = @($trigger | Wait-Job -Timeout 30 | Receive-Job)
        $trigger | Remove-Job -Force
        # Invoke-RestMethod writes a JSON array as one object: unroll it.
        $script:deliveries = @(Invoke-Control $emu 'webhooks/deliveries' | ForEach-Object { $_ })
    }

    It 'delivers each change once, signed, and Receive-WaWebhook writes one event each, in order' {
        $sent.delivery.id | Should -HaveCount 4
        $deliveries | Should -HaveCount 4
        $deliveries.status | Should -Be @('delivered', 'delivered', 'delivered', 'delivered')
        $deliveries.attempts | Should -Be @(1, 1, 1, 1)
        $events.Field | Should -Be @('phone_number_quality_update', 'phone_number_name_update', 'security', 'account_update')
        $events.BusinessAccountId | Select-Object -Unique | Should -Be $market
        foreach ($d in $deliveries) {
            Test-WaWebhookSignature -Body $d.body -Signature $d.signature -AppSecret $appSecret | Should -BeTrue
        }
    }

    It 'resolves the phone-number ID of events that carry only the display number' {
        $events[0].PhoneNumberId | Should -Be $connected
        $events[0].Event | Should -Be 'UPGRADE'
        $events[0].OldLimit | Should -Be 'TIER_100K'
        $events[0].CurrentLimit | Should -Be 'TIER_UNLIMITED'
        $events[1].PhoneNumberId | Should -Be $connected
        $events[1].RequestedVerifiedName | Should -Be 'Jasper''s Market Café'
        $events[2].Event | Should -Be 'PIN_CHANGED'
        $events[3].BanState | Should -Be 'SCHEDULE_FOR_DISABLE'
    }

    It 'pipes the events into Get-WaPhoneNumber by their resolved ID, which shows the new state' {
        $numbers = @($events | Where-Object PhoneNumberId | Get-WaPhoneNumber)

        $numbers.Id | Select-Object -Unique | Should -Be $connected
        $numbers[0].MessagingLimitTier | Should -Be 'TIER_UNLIMITED'
        $numbers[0].VerifiedName | Should -Be 'Jasper''s Market Café'
    }
}
