# A hostile or broken server (the emulator's loop, huge, gzipBomb and slow faults) and awkward
# runbook input, end to end: the module stops, refuses or binds as documented, and keeps secrets.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BuiltModule
    $script:emu = Start-TestEmulator -Numbers 300
    $script:waba = '120000000000001'
    $script:ctx = Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $waba -TimeoutSec 5 -NoSessionUpdate
    # A child pwsh that imports the built module, for what only a fresh process shows (environment proxies, -NonInteractive).
    $script:child = {
        param([string] $Script, [hashtable] $Environment = @{})
        $setup = ($Environment.GetEnumerator() | ForEach-Object { "`$env:$($_.Key) = '$($_.Value)'; " }) -join ''
        $command = "$setup Import-Module '$env:WHATSAPP_TEST_MODULE'; $Script"
        # Run as a dotnet tool, pwsh is pwsh.dll beside $PSHOME's files; installed, it is an executable.
        $native = Join-Path $PSHOME 'pwsh'
        if (Test-Path $native -PathType Leaf) { & $native -NoProfile -NonInteractive -Command $command 2>&1 }
        else { & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $command 2>&1 }
    }
}

AfterAll { if ($emu) { Stop-WaEmulator $emu } }

Describe 'A hostile server' {
    BeforeEach { Reset-Emulator $emu; Clear-RequestLog $emu }

    It 'a next link back to the same page ends the listing after a few requests, nothing written twice' {
        Add-Fault $emu @{ kind = 'loop'; pathContains = '/phone_numbers'; count = 100000 }
        $numbers = @(Get-WaPhoneNumber -Context $ctx -ErrorVariable err -ErrorAction SilentlyContinue)
        @(Get-RequestLog $emu).Count | Should -BeLessThan 50
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'WaApi.PagingLoop*'
        ($numbers.Id | Sort-Object -Unique).Count | Should -Be $numbers.Count
    }

    It 'two pages pointing at each other end the listing too' {
        Add-Fault $emu @{ kind = 'loop'; loopTo = 'first'; pathContains = '/phone_numbers'; afterCount = 1; count = 100000 }
        $numbers = @(Get-WaPhoneNumber -Context $ctx -ErrorVariable err -ErrorAction SilentlyContinue 2>$null)
        @(Get-RequestLog $emu).Count | Should -BeLessThan 50
        ($numbers.Id | Sort-Object -Unique).Count | Should -Be $numbers.Count
    }

    It 'a <name> is refused with a clear error and not asked for again' -ForEach @(
        @{ name = 'huge page'; fault = @{ kind = 'huge'; sizeBytes = 60000000 } }
        @{ name = 'gzip bomb'; fault = @{ kind = 'gzipBomb'; sizeBytes = 100000000 } }
    ) {
        Add-Fault $emu ($fault + @{ pathContains = '/phone_numbers'; count = 10 })
        # A patient timeout: a busy machine may take more than 5 s to send 100 MB, and a timeout would be
        # retried; what is asserted is that a body too large is not asked for again.
        $patient = Connect-WaAccount -AccessToken $emu.Token -BaseUri $emu.BaseUri -BusinessAccountId $waba -TimeoutSec 120 -NoSessionUpdate
        $null = Get-WaPhoneNumber -Context $patient -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'WaApi.ResponseTooLarge*'
        "$($err[0].Exception.Message)" | Should -Match 'MiB'
        @(Get-RequestLog $emu).Count | Should -Be 1
    }
}

Describe 'Secrets and loopback' {
    It 'the emulator is reached directly even with HTTP_PROXY set to a proxy that does not exist' {
        $out = & $child "Get-WaPhoneNumber -PhoneNumberId 107878721936019 -Context (Connect-WaAccount -AccessToken '$($emu.Token)' -BaseUri '$($emu.BaseUri)' -MaxRetries 0 -NoSessionUpdate) | ForEach-Object Id" @{ HTTP_PROXY = 'http://127.0.0.1:9' }
        "$out" | Should -Be '107878721936019'
    }

    It 'a register with Inquire debug output in a non-interactive host is done once and reported done' {
        Reset-Emulator $emu; Clear-RequestLog $emu
        $out = & $child "`$DebugPreference = 'Inquire'; Register-WaPhoneNumber -PhoneNumberId 113980272650307 -Pin '135790' -Confirm:`$false -Context (Connect-WaAccount -AccessToken '$($emu.Token)' -BaseUri '$($emu.BaseUri)' -NoSessionUpdate); 'exit:' + `$?"
        "$out" | Should -Match 'exit:True'
        "$out" | Should -Not -Match 'NonInteractive'
        @(Get-RequestLog $emu | Where-Object path -like '*/register').Count | Should -Be 1
    }

    It 'a register with -Debug itself, -ErrorAction Stop, in pwsh -NonInteractive is done once and reported done' {
        # PowerShell 7.6 sets the verbose preference of a command given -Debug to Inquire: the verbose
        # line written after the register was sent used to prompt, and so throw here.
        Reset-Emulator $emu; Clear-RequestLog $emu
        $out = & $child "Register-WaPhoneNumber -PhoneNumberId 113980272650307 -Pin '135790' -Confirm:`$false -Debug -ErrorAction Stop -Context (Connect-WaAccount -AccessToken '$($emu.Token)' -BaseUri '$($emu.BaseUri)' -NoSessionUpdate); 'exit:' + `$?"
        "$out" | Should -Match 'exit:True'
        "$out" | Should -Not -Match 'NonInteractive'
        "$out" | Should -Match 'POST '
        @(Get-RequestLog $emu | Where-Object path -like '*/register').Count | Should -Be 1
    }

    It 'the request log shows a PIN as its shape only' {
        Reset-Emulator $emu; Clear-RequestLog $emu
        Register-WaPhoneNumber -PhoneNumberId 113980272650307 -Pin '135790' -Confirm:$false -Context $ctx
        $log = Get-RequestLog $emu | ConvertTo-Json -Depth 5
        $log | Should -Not -Match '135790'
        $log | Should -Match '\*{6}'
    }
}
