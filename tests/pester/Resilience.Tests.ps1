# Faults injected into the emulator in the middle of a multi-page listing: every number arrives
# exactly once. Register is never repeated blindly. Bad input never reaches the server.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BuiltModule
    $script:emu = Start-TestEmulator -Numbers 1000
    $script:waba = '120000000000001'
    $script:ctx = Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $waba -TimeoutSec 2 -PassThru
    $script:expected = @(Get-WaPhoneNumber -Context $ctx).Id
}

AfterAll { if ($emu) { Stop-WaEmulator $emu } }

Describe 'A fault in the middle of a 10-page listing' {
    BeforeEach { Reset-Emulator $emu; Clear-RequestLog $emu }

    It 'the emulator holds 1000 numbers' { $expected.Count | Should -Be 1000 }

    It 'still gives every number exactly once after <name>' -ForEach @(
        @{ name = 'an HTML 500 page'; fault = @{ kind = 'html'; status = 500 } }
        @{ name = 'a 429 with Retry-After'; fault = @{ kind = 'graph'; status = 429; code = 4; retryAfterSeconds = 1 } }
        @{ name = 'a truncated body'; fault = @{ kind = 'truncated' } }
        @{ name = 'a reset connection'; fault = @{ kind = 'drop' } }
        @{ name = 'a 503'; fault = @{ kind = 'graph'; status = 503; code = 2 } }
        @{ name = 'an empty 502'; fault = @{ kind = 'empty'; status = 502 } }
        @{ name = 'a transient 131000'; fault = @{ kind = 'graph'; status = 500; code = 131000 } }
        @{ name = 'a timeout'; fault = @{ kind = 'delay'; delayMs = 3000 } }
    ) {
        Add-Fault $emu ($fault + @{ method = 'GET'; pathContains = '/phone_numbers'; afterCount = 4; count = 2 })
        $ids = @(Get-WaPhoneNumber -Context $ctx).Id
        $ids.Count | Should -Be 1000
        $ids | Should -Be $expected
        $pages = @(Get-RequestLog $emu | Where-Object path -like '*/phone_numbers')
        $pages.Count | Should -Be 12
        # The failed page was asked for again with its own cursor.
        $pages[4].query | Should -Be $pages[5].query
        $pages[5].query | Should -Be $pages[6].query
    }

    It 'honours an 80008 regain time and then gives every number exactly once' {
        # Graph's window frees a minute after the rule is added, on the emulator's clock; moving that
        # clock 56 s on leaves the module a short wait, and a retry before the regain time would be
        # refused again.
        $rule = Invoke-Control $emu 'faults' -Method Post -Body @{ method = 'GET'; pathContains = '/phone_numbers'; afterCount = 3; kind = 'graph'; status = 400; code = 80008; regainMinutes = 1; regainOnClock = $true }
        $null = Invoke-Control $emu 'clock' -Method Post -Body @{ advanceHours = 56 / 3600 }
        $ids = @(Get-WaPhoneNumber -Context $ctx -Verbose 4>&1 | Tee-Object -Variable all | Where-Object { $_ -is [WhatsappPhone.Models.PhoneNumber] }).Id
        $ids | Should -Be $expected
        ($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match 'retrying in [1-4]\.0 s, as the server asked'
        $pages = @(Get-RequestLog $emu | Where-Object path -like '*/phone_numbers')
        @($pages | Where-Object status -eq 400).Count | Should -Be 1
        $pages[3].status | Should -Be 400
        [DateTimeOffset]$pages[4].time | Should -BeGreaterOrEqual ([DateTimeOffset]$rule.regainAt)
        $pages[4].query | Should -Be $pages[3].query
    }

    It 'fails at once, saying so, when the regain time is longer than the retry budget' {
        $short = Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $waba -MaxRetryWaitSec 10 -PassThru
        Add-Fault $emu @{ method = 'GET'; pathContains = '/phone_numbers'; afterCount = 2; kind = 'graph'; status = 400; code = 80008; regainMinutes = 30 }
        $ids = @(Get-WaPhoneNumber -Context $short -ErrorVariable err -ErrorAction SilentlyContinue).Id
        $ids | Should -Be $expected[0..199]
        $err[0].FullyQualifiedErrorId | Should -BeLike 'WaApi.80008,*'
        $err[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        "$($err[0])" | Should -Match 'asked to wait 1800 s'
        "$($err[0])" | Should -Match 'stopped after 200 numbers were written'
    }

    It 'says how many numbers were written when the retries run out' {
        $few = Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $waba -MaxRetries 1 -PassThru
        Add-Fault $emu @{ method = 'GET'; pathContains = '/phone_numbers'; afterCount = 3; count = 5; kind = 'graph'; status = 503; code = 2 }
        $ids = @(Get-WaPhoneNumber -Context $few -ErrorVariable err -ErrorAction SilentlyContinue).Id
        $ids | Should -Be $expected[0..299]
        $err.Count | Should -Be 1
        "$($err[0])" | Should -Match 'stopped after 300 numbers were written'
    }
}

Describe 'Timeouts and stopping' {
    BeforeEach { Reset-Emulator $emu; Clear-RequestLog $emu }

    It 'stops a request in flight at once on Ctrl+C (PowerShell.Stop)' {
        # The third page hangs for a minute; stopping the pipeline must not wait for it.
        Add-Fault $emu @{ method = 'GET'; pathContains = '/phone_numbers'; afterCount = 2; kind = 'delay'; delayMs = 60000 }
        $ps = [powershell]::Create([System.Management.Automation.RunspaceMode]::NewRunspace)
        try {
            $patient = Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $waba -TimeoutSec 120 -PassThru
            $null = $ps.AddScript('param($module, $ctx) Import-Module $module; Get-WaPhoneNumber -Context $ctx').
                AddArgument($env:WHATSAPP_TEST_MODULE).AddArgument($patient)
            $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $inputs = [System.Management.Automation.PSDataCollection[psobject]]::new()
            $null = $ps.BeginInvoke($inputs, $output)
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ($output.Count -lt 200 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $output.Count | Should -Be 200
            Start-Sleep -Milliseconds 500   # the third page is now waiting on the server
            $clock = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            # The page hangs for a minute: well under that means the stop did not wait for it (headroom for a busy machine).
            $clock.Elapsed.TotalSeconds | Should -BeLessThan 30
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $output.Count | Should -Be 200
            # The abandoned request is logged once the server notices; nothing was sent after it.
            Start-Sleep -Milliseconds 500
            $log = @(Get-RequestLog $emu)
            $log.Count | Should -Be 3
            $log[2].status | Should -Be 0
        }
        finally { $ps.Dispose() }
    }

    It 'gives a clear timeout error, not a cancellation, when an answer is too slow' {
        $once = Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $waba -TimeoutSec 1 -MaxRetries 0 -PassThru
        Add-Fault $emu @{ method = 'GET'; pathContains = $expected[0]; kind = 'delay'; delayMs = 5000 }
        Get-WaPhoneNumber -Context $once -PhoneNumberId $expected[0] -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'WaApi.Timeout,*'
        $err[0].Exception | Should -BeOfType ([WhatsappPhone.Api.GraphTimeoutException])
        "$($err[0])" | Should -Match '1 s'
    }
}

Describe 'Register and deregister are never repeated blindly' {
    BeforeEach { Reset-Emulator $emu; Clear-RequestLog $emu }

    It 'attempts register once on a 131000' {
        Add-Fault $emu @{ method = 'POST'; pathContains = '/register'; kind = 'graph'; status = 500; code = 131000 }
        Register-WaPhoneNumber -Context $ctx -PhoneNumberId $expected[0] -Pin '123456' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Code | Should -Be 131000
        @(Get-RequestLog $emu | Where-Object path -like '*/register').Count | Should -Be 1
    }

    It 'attempts register once on an HTML 500, which may have taken effect' {
        Add-Fault $emu @{ method = 'POST'; pathContains = '/register'; kind = 'html'; status = 500 }
        Register-WaPhoneNumber -Context $ctx -PhoneNumberId $expected[0] -Pin '123456' -ErrorAction SilentlyContinue
        @(Get-RequestLog $emu | Where-Object path -like '*/register').Count | Should -Be 1
    }

    It 'repeats register once on a 131016 (service unavailable), and no more' {
        Add-Fault $emu @{ method = 'POST'; pathContains = '/register'; kind = 'graph'; status = 503; code = 131016; count = 5 }
        Register-WaPhoneNumber -Context $ctx -PhoneNumberId $expected[0] -Pin '123456' -ErrorAction SilentlyContinue
        @(Get-RequestLog $emu | Where-Object path -like '*/register').Count | Should -Be 2
    }

    It 'attempts deregister once on a dropped connection' {
        Add-Fault $emu @{ method = 'POST'; pathContains = '/deregister'; kind = 'drop' }
        Unregister-WaPhoneNumber -Context $ctx -PhoneNumberId $expected[0] -Force -ErrorAction SilentlyContinue
        @(Get-RequestLog $emu | Where-Object path -like '*/deregister').Count | Should -Be 1
    }
}

Describe 'Bad input never reaches the server' {
    BeforeAll { Reset-Emulator $emu }
    BeforeEach { Clear-RequestLog $emu }

    It 'refuses the PIN <label> with a clear error' -ForEach @(
        @{ label = 'empty'; pin = '' }
        @{ label = '12345'; pin = '12345' }
        @{ label = '1234567'; pin = '1234567' }
        @{ label = 'abcdef'; pin = 'abcdef' }
        @{ label = '12 456'; pin = '12 456' }
        @{ label = 'in full-width digits'; pin = ([string][char]0xFF11 * 6) }
        @{ label = 'with a leading space'; pin = ' 123456' }
        @{ label = 'with a trailing space'; pin = '123456 ' }
        @{ label = '$null'; pin = $null }
    ) {
        { Register-WaPhoneNumber -Context $ctx -PhoneNumberId $expected[0] -Pin $pin -ErrorAction Stop } | Should -Throw -ExpectedMessage '*PIN*'
        Get-RequestLog $emu | Should -BeNullOrEmpty
    }

    It 'refuses the phone-number ID <label> with a clear error' -ForEach @(
        @{ label = 'empty'; id = ''; message = '*empty*' }
        @{ label = 'of letters'; id = 'abc'; message = '*digits 0-9 only*' }
        @{ label = '../x'; id = '../x'; message = '*digits 0-9 only*' }
        @{ label = 'with a path'; id = '123/register'; message = '*digits 0-9 only*' }
        @{ label = 'of 400 digits'; id = ('9' * 400); message = '*at most 32 digits*' }
        @{ label = 'that is a phone number'; id = '+1 555-093-4873'; message = '*looks like a phone number*' }
    ) {
        foreach ($command in { Get-WaPhoneNumber -Context $ctx -PhoneNumberId $id -ErrorAction Stop },
                             { Register-WaPhoneNumber -Context $ctx -PhoneNumberId $id -Pin '123456' -ErrorAction Stop },
                             { Unregister-WaPhoneNumber -Context $ctx -PhoneNumberId $id -Force -ErrorAction Stop }) {
            $command | Should -Throw -ExpectedMessage $message
        }
        Get-RequestLog $emu | Should -BeNullOrEmpty
    }

    It 'refuses a malformed business account ID' {
        { Get-WaPhoneNumber -Context $ctx -BusinessAccountId 'waba-1' -ErrorAction Stop } | Should -Throw -ExpectedMessage '*WhatsApp Business Account ID*'
        Get-RequestLog $emu | Should -BeNullOrEmpty
    }

    It 'refuses the API version <version>' -ForEach @(@{ version = 'latest' }, @{ version = '25' }, @{ version = 'v25' }) {
        { Connect-WaAccount -AccessToken t -ApiVersion $version -ErrorAction Stop } | Should -Throw -ExpectedMessage '*v25.0*'
    }

    It 'refuses the base URI <uri>' -ForEach @(
        @{ uri = 'http://graph.facebook.com'; message = '*only to this machine*' }
        @{ uri = 'ftp://graph.facebook.com'; message = '*https*' }
        @{ uri = 'graph.facebook.com'; message = '*absolute*' }
    ) {
        { Connect-WaAccount -AccessToken t -BaseUri $uri -ErrorAction Stop } | Should -Throw -ExpectedMessage $message
    }
}

Describe 'Many runspaces at once' {
    It 'lists every number in each of 8 parallel runspaces, each with its own context' {
        $module = $env:WHATSAPP_TEST_MODULE
        $counts = 1..8 | ForEach-Object -ThrottleLimit 8 -Parallel {
            Import-Module $using:module
            @(Get-WaPhoneNumber -Context $using:ctx).Id | Select-Object -Unique | Measure-Object | ForEach-Object Count
        }
        $counts | Should -Be (@(1000) * 8)
    }
}
