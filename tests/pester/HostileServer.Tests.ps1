# The built module against the emulator's hostile faults (loop, slow, huge, gzipBomb, usage) and a
# refused token, as a user sees it: each command ends by itself, promptly, with an error a script can
# branch on, within bounded requests and memory. Each fault is given a finite count, so that without
# the defence a test fails on its bound instead of hanging.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BuiltModule
    $script:emu = Start-TestEmulator -Numbers 300
    $script:waba = '120000000000001'
    $script:ctx = Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $waba -TimeoutSec 5 -NoSessionUpdate
    $script:ids = @(Get-WaPhoneNumber -Context $ctx).Id
    $ids.Count | Should -Be 300

    # A fresh pwsh that imports the built module and runs $Script: a process's peak memory is its own.
    $script:child = {
        param([string] $Script)
        $command = "Import-Module '$env:WHATSAPP_TEST_MODULE'; $Script"
        # Run as a dotnet tool, pwsh is pwsh.dll beside $PSHOME's files; installed, it is an executable.
        $native = Join-Path $PSHOME 'pwsh'
        if (Test-Path $native -PathType Leaf) { & $native -NoProfile -NonInteractive -Command $command 2>&1 }
        else { & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $command 2>&1 }
    }
}

AfterAll { if ($emu) { Stop-WaEmulator $emu } }

Describe 'A paging loop' {
    BeforeEach { Reset-Emulator $emu; Clear-RequestLog $emu }

    It 'a next link back to <to> ends Get-WaPhoneNumber<with> with WaApi.PagingLoop, each number written once' -ForEach @(
        @{ to = 'the page itself'; loopTo = 'self'; with = ''; first = @{} }
        @{ to = 'the page itself'; loopTo = 'self'; with = ' -First 1000'; first = @{ First = 1000 } }
        @{ to = 'the first page'; loopTo = 'first'; with = ''; first = @{} }
        @{ to = 'the first page'; loopTo = 'first'; with = ' -First 1000'; first = @{ First = 1000 } }
    ) {
        # Page 1 is real; page 2's next leads back. 60 looping answers: a listing that follows them exceeds 50 requests.
        Add-Fault $emu @{ kind = 'loop'; loopTo = $loopTo; pathContains = '/phone_numbers'; afterCount = 1; count = 60 }
        $numbers = @(Get-WaPhoneNumber -Context $ctx @first -ErrorVariable err -ErrorAction SilentlyContinue)

        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'WaApi.PagingLoop,*'
        # The two pages read before the loop, every number once (-First 1000 would otherwise fill up with repeats).
        $numbers.Count | Should -Be 200
        @($numbers.Id | Sort-Object -Unique).Count | Should -Be 200
        $numbers.Id | Should -Be $ids[0..199]
        @(Get-RequestLog $emu).Count | Should -BeLessThan 50
    }
}

Describe 'A body that never ends' {
    BeforeAll {
        $script:quick = Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $waba -TimeoutSec 1 -MaxRetries 0 -NoSessionUpdate
    }
    BeforeEach { Reset-Emulator $emu; Clear-RequestLog $emu }

    It 'times out with WaApi.Timeout after -TimeoutSec, though its headers came at once' {
        # Five numbers dribbled 16 bytes every 100 ms take about 15 s: the 1-second timeout must cut the body, not wait for it.
        Add-Fault $emu @{ kind = 'slow'; pathContains = '/phone_numbers'; delayMs = 100; chunkBytes = 16 }
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $null = Get-WaPhoneNumber -Context $quick -First 5 -ErrorVariable err -ErrorAction SilentlyContinue
        $clock.Stop()

        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'WaApi.Timeout,*'
        $err[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        # The body would take 15 s: well under that means the 1-second timeout cut it (headroom for a busy machine).
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 12
        # The emulator answered 200 and was sending the body when the client gave up.
        $log = @(Get-RequestLog $emu)
        $log.Count | Should -Be 1
        $log[0].status | Should -Be 200
        $log[0].fault | Should -Be 'slow'
    }

    It 'after 70 listings timed out mid-body, the next listing to the emulator works' {
        # Each abandoned answer must give its connection back: the module allows 64 per host, so 64 kept
        # would leave the next listing waiting for a connection until it times out. The 70 run as one
        # fan-out, 35 at a time, so the test takes two timeouts, not seventy. The timeout is 8 s so that on a
        # busy machine each request still gets its headers (and so a connection mid-body) before it fires;
        # each body would take about a minute.
        $halting = Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $waba -TimeoutSec 8 -MaxRetries 0 -NoSessionUpdate
        Add-Fault $emu @{ kind = 'slow'; pathContains = '/phone_numbers'; delayMs = 400; chunkBytes = 16; count = 70 }
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $null = Get-WaPhoneNumber -Context $halting -BusinessAccountId (@($waba) * 70) -ThrottleLimit 35 -ErrorVariable err -ErrorAction SilentlyContinue
        $timedOut = $clock.Elapsed

        $err.Count | Should -Be 70
        @($err | Where-Object FullyQualifiedErrorId -like 'WaApi.Timeout,*').Count | Should -Be 70
        # Answered 200 with the body in progress when given up. Kept connections would let at most 64 reach the
        # emulator (the rest wait for one and time out unsent); under CPU load one may time out before its headers.
        $answered = @(Get-RequestLog $emu | Where-Object { $_.status -eq 200 -and $_.fault -eq 'slow' }).Count
        $answered | Should -BeGreaterThan 64
        # Two waves of bodies that would take a minute each: well under two minutes means each was cut at its timeout.
        $timedOut.TotalSeconds | Should -BeLessThan 90

        # With the usual 5-second timeout: a connection still held by an abandoned answer would not free up in that time.
        Clear-RequestLog $emu
        $numbers = @(Get-WaPhoneNumber -Context $ctx -ErrorVariable after -ErrorAction SilentlyContinue)
        $after.Count | Should -Be 0
        $numbers.Id | Should -Be $ids
        Write-Host "    70 listings timed out ($answered mid-body) in $([int]$timedOut.TotalMilliseconds) ms; the next listing in $([int]($clock.Elapsed - $timedOut).TotalMilliseconds) ms"
    }
}

Describe 'A body too large' {
    BeforeEach { Reset-Emulator $emu; Clear-RequestLog $emu }

    It 'a <name> is refused with WaApi.ResponseTooLarge, asked for once, and pwsh peaks under 350 MiB' -ForEach @(
        # The sizes of the issue: 100 MB peaked at ~530 MiB, 400 MB of gzip (400 KB on the wire) at 1.3 GB.
        @{ name = 'page of 100 MB'; fault = @{ kind = 'huge'; sizeBytes = 100000000 } }
        @{ name = 'gzip bomb of 400 MB'; fault = @{ kind = 'gzipBomb'; sizeBytes = 400000000 } }
    ) {
        # Five such answers in a row: a retry (the connection has the default retries) would be answered the same.
        Add-Fault $emu ($fault + @{ pathContains = '/phone_numbers'; count = 5 })
        $out = & $child @"
`$process = [Diagnostics.Process]::GetCurrentProcess()
`$c = Connect-WaAccount -AccessToken '$($emu.Token)' -BaseUri '$($emu.BaseUri)' -BusinessAccountId $waba -NoSessionUpdate
`$process.Refresh(); `$before = `$process.PeakWorkingSet64
`$numbers = @(Get-WaPhoneNumber -Context `$c -ErrorVariable e -ErrorAction SilentlyContinue)
`$process.Refresh()
@{ numbers = `$numbers.Count; errors = @(`$e | ForEach-Object FullyQualifiedErrorId); message = "`$(`$e[0])"; before = `$before; peak = `$process.PeakWorkingSet64 } | ConvertTo-Json -Compress
"@
        $result = "$($out | Select-Object -Last 1)" | ConvertFrom-Json

        $result.numbers | Should -Be 0
        @($result.errors).Count | Should -Be 1
        $result.errors[0] | Should -BeLike 'WaApi.ResponseTooLarge,*'
        $result.message | Should -Match '32 MiB'
        @(Get-RequestLog $emu).Count | Should -Be 1
        $peakMiB = $result.peak / 1MB
        Write-Host ("    {0}: pwsh peak {1:N0} MiB ({2:N0} MiB before the listing)" -f $name, $peakMiB, ($result.before / 1MB))
        $peakMiB | Should -BeLessThan 350
    }
}

Describe 'Usage at 100%' {
    BeforeEach { Reset-Emulator $emu; Clear-RequestLog $emu }

    It 'a fan-out stopped while paced leaves no queue: the next read pauses once, and once Graph stops reporting 100% nothing is paced' {
        # Graph reports the app and the account at 100% on every answer. A first read takes that reading, so
        # every request of the fan-out then queues for a 4.95 s turn, however fast answers come back (a
        # loaded machine cannot let some through unpaced). Select-Object stops the fan-out once the first
        # number is written, with the other requests of -ThrottleLimit still waiting for their turns.
        Add-Fault $emu @{ kind = 'usage'; appUsagePercent = 100; businessUsagePercent = 100; count = 1000 }
        $null = Get-WaPhoneNumber -Context $ctx -PhoneNumberId $ids[260]
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $first = $ids[0..199] | Get-WaPhoneNumber -Context $ctx -ThrottleLimit 32 | Select-Object -First 1
        $stopped = $clock.Elapsed
        $first.Id | Should -Be $ids[0]
        $null = Invoke-Control $emu 'faults' -Method Delete

        # 100% is still the latest reading, so one turn is due, not the turns of the 31 stopped requests (153 s).
        $single = Get-WaPhoneNumber -Context $ctx -PhoneNumberId $ids[250] -Verbose 4>&1
        $singleTook = $clock.Elapsed - $stopped
        @($single | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and "$_" -match 'pausing' }).Count | Should -BeLessOrEqual 1
        ($single | Where-Object { $_ -is [WhatsappPhone.Models.PhoneNumber] }).Id | Should -Be $ids[250]
        # One turn is 4.95 s, the stopped requests' turns would be 153 s: the bound leaves a busy machine room.
        $singleTook.TotalSeconds | Should -BeLessThan 60

        # Its answer no longer reported 100%: the next reads are not paced at all (paced, 20 would take 99 s).
        $later = @($ids[200..219] | Get-WaPhoneNumber -Context $ctx -Verbose 4>&1)
        $laterTook = $clock.Elapsed - $stopped - $singleTook
        @($later | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and "$_" -match 'pausing' }).Count | Should -Be 0
        @($later | Where-Object { $_ -is [WhatsappPhone.Models.PhoneNumber] }).Id | Should -Be $ids[200..219]
        # No pause is asserted above (the count of 'pausing' lines); paced, 20 reads would take 99 s.
        $laterTook.TotalSeconds | Should -BeLessThan 40
        Write-Host ("    fan-out stopped after {0:N1} s; the next read took {1:N1} s; 20 more {2:N1} s" -f $stopped.TotalSeconds, $singleTook.TotalSeconds, $laterTook.TotalSeconds)
    }
}

Describe 'A refused token' {
    BeforeEach { Reset-Emulator $emu; Clear-RequestLog $emu }

    It '200 IDs piped with a token the emulator refuses send at most -ThrottleLimit and a few requests, each ID answered with WaApi.190' {
        $revoked = Connect-WaAccount -AccessToken 'EAAG-revoked-token' -BaseUri $emu.BaseUri -BusinessAccountId $waba -NoSessionUpdate
        $null = $ids[0..199] | Get-WaPhoneNumber -Context $revoked -ThrottleLimit 8 -ErrorVariable err -ErrorAction SilentlyContinue

        $sent = @(Get-RequestLog $emu).Count
        $sent | Should -BeLessOrEqual (8 + 2)
        $err.Count | Should -Be 200
        @($err | Where-Object FullyQualifiedErrorId -like 'WaApi.190,*').Count | Should -Be 200
        # One error per ID, in input order: nothing is lost, nothing reported twice.
        $err.TargetObject | Should -Be $ids[0..199]
        Write-Host "    200 IDs with a refused token: $sent requests"
    }
}
