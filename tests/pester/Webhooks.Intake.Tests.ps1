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
