# Receive-WaWebhook keeps its promise as users stop it: what was answered 200 comes out, however
# the pipeline or the process ends. Signatures are computed here, with nothing from the module; the
# listener is on 127.0.0.1 and a free port; a killed listener is a child pwsh killed with SIGKILL.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BuiltModule
    $script:appSecret = 'APP-SECRET-intake-6d1f0b'
    $script:pwsh = Join-Path $PSHOME 'pwsh.dll'

    function script:Get-FreePrefix { "http://127.0.0.1:$(Get-FreePort)/hook/" }

    # Posts notifications 1..Count, signed, all at once, from another runspace once the listener
    # answers; Receive-Poster gives each one's status by its number.
    function script:Start-Poster([string] $Prefix, [int] $Count) {
        $bodies = @(1..$Count | ForEach-Object { New-TestNotification $_ })
        $signatures = @($bodies | ForEach-Object { New-WebhookSignature $_ $appSecret })
        $ps = [powershell]::Create().AddScript({
            param($prefix, $bodies, $signatures)
            $http = [System.Net.Http.HttpClient]::new()
            $http.Timeout = [TimeSpan]::FromSeconds(60)
            # Listening once an unsigned POST gets an answer (polled, with no bound on how long it takes to start).
            for ($i = 0; $i -lt 2400; $i++) {
                try { $null = $http.PostAsync($prefix, [System.Net.Http.StringContent]::new('{}')).GetAwaiter().GetResult(); break }
                catch { Start-Sleep -Milliseconds 25 }
            }
            $tasks = for ($i = 0; $i -lt $bodies.Count; $i++) {
                $request = [System.Net.Http.HttpRequestMessage]::new('POST', $prefix)
                $request.Content = [System.Net.Http.StringContent]::new($bodies[$i], [Text.Encoding]::UTF8, 'application/json')
                $null = $request.Headers.TryAddWithoutValidation('X-Hub-Signature-256', $signatures[$i])
                $http.SendAsync($request)
            }
            try { [System.Threading.Tasks.Task]::WaitAll([System.Threading.Tasks.Task[]] @($tasks)) } catch { }
            $status = @{}
            for ($i = 0; $i -lt $tasks.Count; $i++) { $status[$i + 1] = if ($tasks[$i].IsCompletedSuccessfully) { [int]$tasks[$i].Result.StatusCode } else { 0 } }
            $status
        }).AddArgument($Prefix).AddArgument($bodies).AddArgument($signatures)
        [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
    }
    function script:Receive-Poster($Poster) {
        try { $Poster.PowerShell.EndInvoke($Poster.Handle)[0] } finally { $Poster.PowerShell.Dispose() }
    }
    function script:Get-Acknowledged([hashtable] $Status) { @($Status.Keys | Where-Object { $Status[$_] -eq 200 } | Sort-Object) }
    function script:Get-Number($Events) { @($Events | ForEach-Object { [int]($_.Requester -replace '^n') }) }

    # A listener in a child pwsh that appends each event's number to $Log as it writes it.
    function script:Start-ChildListener([string] $Prefix, [string] $Spool, [string] $Log, [int] $DelayMs, [string] $Until = '') {
        $script = @"
Import-Module '$env:WHATSAPP_TEST_MODULE'
Receive-WaWebhook -Prefix '$Prefix' -AppSecret '$appSecret' -SpoolPath '$Spool' -TimeoutSec 120 |
    ForEach-Object { Start-Sleep -Milliseconds $DelayMs; Add-Content -LiteralPath '$Log' -Value (`$_.Requester -replace '^n'); `$_ } $Until
"@
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script))
        Start-Process dotnet -ArgumentList $pwsh, '-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded -PassThru -RedirectStandardOutput (Join-Path $TestDrive "out-$([guid]::NewGuid()).txt")
    }
    function script:Get-Logged([string] $Log) { if (Test-Path $Log) { @(Get-Content $Log | ForEach-Object { [int]$_ }) } else { @() } }
}

Describe 'A consumer that stops early' {
    It 'Select-Object -First 3 behind a slow consumer, while 100 notifications arrive: the 3 written got 200, every other one 503' {
        $prefix = Get-FreePrefix
        $poster = Start-Poster $prefix 100
        $events = @(Receive-WaWebhook -Prefix $prefix -AppSecret $appSecret -TimeoutSec 60 | ForEach-Object { Start-Sleep -Milliseconds 300; $_ } | Select-Object -First 3)
        $status = Receive-Poster $poster

        $events.Count | Should -Be 3
        Get-Acknowledged $status | Should -Be @(Get-Number $events | Sort-Object)
        @($status.Values | Where-Object { $_ -ne 200 -and $_ -ne 503 }).Count | Should -Be 0
    }
}

Describe '-SpoolPath' {
    It 'killed with SIGKILL in the middle of a stream and started again, writes every notification that got 200' {
        $prefix = Get-FreePrefix
        $spool = Join-Path $TestDrive 'spool'
        $log = Join-Path $TestDrive 'written.txt'
        $first = Start-ChildListener $prefix $spool $log -DelayMs 200
        $status = Receive-Poster (Start-Poster $prefix 30)
        # Every notification is on disk before its 200, so none waits for the slow consumer.
        Get-Acknowledged $status | Should -Be @(1..30)
        # Killed once a few were written (polled: a count, not a time).
        for ($i = 0; $i -lt 1200 -and (Get-Logged $log).Count -lt 3; $i++) { Start-Sleep -Milliseconds 50 }
        $first.Kill()
        $first.WaitForExit()
        $before = Get-Logged $log
        $before.Count | Should -BeLessThan 30

        # Started again on the folder: it writes what was left, then listens; it stops once all 30 are out.
        $second = Start-ChildListener (Get-FreePrefix) $spool $log -DelayMs 0 -Until "| Where-Object { @(Get-Content -LiteralPath '$log' | Sort-Object -Unique).Count -ge 30 } | Select-Object -First 1"
        $second.WaitForExit(120000) | Should -BeTrue

        @(Get-Logged $log | Sort-Object -Unique) | Should -Be @(1..30)
        # At least once: the one being written when the process died may come out twice, nothing more.
        (Get-Logged $log).Count | Should -BeLessOrEqual 31
        @(Get-ChildItem $spool -Filter *.json).Count | Should -Be 0
    }

    It 'refuses a second listener on the same folder' {
        $spool = Join-Path $TestDrive 'busy'
        $holder = [powershell]::Create().AddScript({
            param($module, $prefix, $secret, $spool)
            Import-Module $module
            Receive-WaWebhook -Prefix $prefix -AppSecret $secret -SpoolPath $spool -TimeoutSec 60
        }).AddArgument($env:WHATSAPP_TEST_MODULE).AddArgument((Get-FreePrefix)).AddArgument($appSecret).AddArgument($spool)
        $handle = $holder.BeginInvoke()
        try {
            for ($i = 0; $i -lt 1200 -and -not (Test-Path (Join-Path $spool 'spool.lock')); $i++) { Start-Sleep -Milliseconds 50 }
            { Receive-WaWebhook -Prefix (Get-FreePrefix) -AppSecret $appSecret -SpoolPath $spool -TimeoutSec 1 } | Should -Throw -ErrorId 'WaWebhookSpoolLocked,*'
        }
        finally {
            $holder.Stop()
            $holder.Dispose()
        }
    }
}

Describe 'Memory' {
    It 'with a stuck consumer, 300 signed bodies of 1 MiB sent at once keep the listener under 350 MiB, each answered 503 or written' {
        $prefix = Get-FreePrefix
        $release = Join-Path $TestDrive 'release'
        # One notification whose value carries nearly 1 MiB of text (under the cap), signed; 300 of them with distinct times.
        # Made before the listener starts, so that a busy machine's slowness is never the listener's to wait for.
        $filler = 'x' * (1MB - 400)
        $bodies = @(1..300 | ForEach-Object { '{"object":"whatsapp_business_account","entry":[{"id":"114503234599312","time":' + (1739321024 + $_) + ',"changes":[{"field":"security","value":{"event":"PIN_CHANGED","requester":"' + $filler + '"}}]}]}' })
        $signatures = @($bodies | ForEach-Object { New-WebhookSignature $_ $appSecret })
        # A child pwsh (its own peak working set is what is measured), whose consumer sits on the first event
        # until the test has every other answer, then takes it and stops (-Count 1).
        $script = @"
Import-Module '$env:WHATSAPP_TEST_MODULE'
`$process = [Diagnostics.Process]::GetCurrentProcess()
`$n = @(Receive-WaWebhook -Prefix '$prefix' -AppSecret '$appSecret' -Count 1 -TimeoutSec 600 | ForEach-Object { while (-not (Test-Path '$release')) { Start-Sleep -Milliseconds 100 }; `$_ }).Count
`$process.Refresh()
"`$n `$([int](`$process.PeakWorkingSet64 / 1MB))"
"@
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script))
        $out = Join-Path $TestDrive 'memory.txt'
        $child = Start-Process dotnet -ArgumentList $pwsh, '-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded -PassThru -RedirectStandardOutput $out
        $http = [System.Net.Http.HttpClient]::new()
        $http.Timeout = [TimeSpan]::FromSeconds(600)
        for ($i = 0; $i -lt 24000; $i++) {
            try { $null = $http.PostAsync($prefix, [System.Net.Http.StringContent]::new('{}')).GetAwaiter().GetResult(); break } catch { Start-Sleep -Milliseconds 25 }
        }
        $tasks = for ($i = 0; $i -lt $bodies.Count; $i++) {
            $request = [System.Net.Http.HttpRequestMessage]::new('POST', $prefix)
            $request.Content = [System.Net.Http.StringContent]::new($bodies[$i], [Text.Encoding]::UTF8, 'application/json')
            $null = $request.Headers.TryAddWithoutValidation('X-Hub-Signature-256', $signatures[$i])
            $http.SendAsync($request)
        }
        # Every answer but the one the consumer sits on (polled: a count, not a time), then the consumer goes on.
        while (@($tasks | Where-Object IsCompleted).Count -lt $tasks.Count - 1) { Start-Sleep -Milliseconds 100 }
        $null = New-Item -ItemType File $release
        try { [System.Threading.Tasks.Task]::WaitAll([System.Threading.Tasks.Task[]] @($tasks)) } catch { }
        $status = @($tasks | ForEach-Object { if ($_.IsCompletedSuccessfully) { [int]$_.Result.StatusCode } else { 0 } })
        $child.WaitForExit(600000) | Should -BeTrue
        $written, $peak = (Get-Content $out | Select-Object -Last 1) -split ' '
        Write-Host "    written $written, answers: $(($status | Group-Object | ForEach-Object { "$($_.Count) x $($_.Name)" }) -join ', '); peak working set $peak MiB"

        # What got 200 was written; everything else is Meta's to send again.
        @($status | Where-Object { $_ -ne 503 -and $_ -ne 200 }).Count | Should -Be 0
        @($status | Where-Object { $_ -eq 200 }).Count | Should -Be ([int]$written)
        [int]$written | Should -Be 1
        [int]$peak | Should -BeLessThan 350
    }
}

Describe 'Prefixes' {
    It 'refuses an https:// prefix without -Certificate, and -Certificate with an http:// prefix, before listening' {
        { Receive-WaWebhook -Prefix "https://127.0.0.1:$(Get-FreePort)/hook/" -AppSecret $appSecret -TimeoutSec 1 } | Should -Throw -ErrorId 'WaWebhookInvalidPrefix,*' -ExpectedMessage '*-Certificate*'
        $key = [System.Security.Cryptography.RSA]::Create(2048)
        $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=127.0.0.1', $key, 'SHA256', [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
        $certificate = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddDays(1))
        { Receive-WaWebhook -Prefix (Get-FreePrefix) -AppSecret $appSecret -Certificate $certificate -TimeoutSec 1 } | Should -Throw -ErrorId 'WaWebhookInvalidPrefix,*' -ExpectedMessage '*https://*'
    }

    It 'listens on every address with a + prefix' {
        $port = Get-FreePort
        $poster = Start-Poster "http://127.0.0.1:$port/hook/" 1
        $events = @(Receive-WaWebhook -Prefix "http://+:$port/hook/" -AppSecret $appSecret -Count 1 -TimeoutSec 60)
        (Receive-Poster $poster)[1] | Should -Be 200
        Get-Number $events | Should -Be @(1)
    }
}

Describe 'Re-delivery end to end: the emulator delivers again what did not get 200' {
    BeforeAll {
        $script:hook = "http://127.0.0.1:$(Get-FreePort)/hook/"
        $script:verifyToken = 'v3rify-intake'
        $script:emu = Start-TestEmulator -AppSecret $appSecret -CallbackUri $hook
        $script:market = '104996122399160'
        $script:connected = '106540352242922'
        Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $market
        Register-WaWebhookSubscription -BusinessAccountId $market -Confirm:$false

        # Once the listener answers the handshake, runs $then (changes or a clock move) against the emulator's control API.
        function script:Start-WhenListening([scriptblock] $Then) {
            Start-ThreadJob -ArgumentList $hook, $emu.ControlUri, $verifyToken, $connected, $Then.ToString() {
                param($hook, $control, $token, $number, $then)
                for ($i = 0; $i -lt 2400; $i++) {
                    try { if ((Invoke-RestMethod "$($hook)?hub.mode=subscribe&hub.challenge=go&hub.verify_token=$token" -TimeoutSec 5) -eq 'go') { break } }
                    catch { Start-Sleep -Milliseconds 25 }
                }
                & ([scriptblock]::Create($then)) $control $number
            }
        }
        $script:fiftyChanges = {
            param($control, $number)
            # Fifty PIN changes, each notified as a security event whose requester is n1 ... n50.
            foreach ($n in 1..50) { $null = Invoke-RestMethod "$control/numbers/$number/pin" -Method Post -ContentType 'application/json' -Body (@{ pin = '864209'; requester = "n$n" } | ConvertTo-Json) }
        }
        # Retries are due ten minutes later on the emulator's clock (and later still after each failure): moving it on brings them, not waiting.
        $script:nextHours = {
            param($control, $number)
            $null = Invoke-RestMethod "$control/clock" -Method Post -ContentType 'application/json' -Body '{"advanceHours":3}'
        }
        function script:Get-Deliveries { @(Invoke-Control $emu 'webhooks/deliveries' | ForEach-Object { $_ }) }
    }
    AfterAll {
        Disconnect-WaAccount
        if ($emu) { Stop-WaEmulator $emu }
    }
    BeforeEach {
        $null = Invoke-Control $emu 'webhooks/deliveries' -Method Delete
        $null = Invoke-Control $emu 'webhooks' -Method Post -Body @{ retryDelayMs = 600000 }
    }

    It '<name>: 50 changes, the consumer stops after 3, and a second Receive-WaWebhook brings out the other 47, each once' -ForEach @(
        @{ name = 'without a spool (Meta delivers again what got 503)'; spool = $false }
        @{ name = 'with a spool (the second listener writes what the first acknowledged)'; spool = $true }
    ) {
        $spoolArgs = if ($spool) { @{ SpoolPath = (Join-Path $TestDrive "spool-$([guid]::NewGuid())") } } else { @{} }
        $changes = Start-WhenListening $fiftyChanges
        $first = @(Receive-WaWebhook -Prefix $hook -AppSecret $appSecret -VerifyToken $verifyToken -TimeoutSec 60 @spoolArgs |
            ForEach-Object { Start-Sleep -Milliseconds 200; $_ } | Select-Object -First 3)
        $changes | Wait-Job -Timeout 60 | Remove-Job -Force

        $later = Start-WhenListening $nextHours
        $second = @(Receive-WaWebhook -Prefix $hook -AppSecret $appSecret -VerifyToken $verifyToken -Count 47 -TimeoutSec 60 @spoolArgs)
        # With a spool the 47 may all come from it before the clock moves: the job has nothing left to do.
        $later | Stop-Job -PassThru | Remove-Job -Force

        $first.Count | Should -Be 3
        $second.Count | Should -Be 47
        @($first + $second | ForEach-Object Requester | Sort-Object { [int]($_ -replace 'n') }) | Should -Be @(1..50 | ForEach-Object { "n$_" })
        $deliveries = Get-Deliveries
        $deliveries | Should -HaveCount 50
        @($deliveries | Where-Object status -ne 'delivered').Count | Should -Be 0
    }
}
