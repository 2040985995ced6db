# Help as users read it: Get-Help on the built module, for every exported cmdlet, and about_WhatsappPhone.
BeforeDiscovery {
    if (-not $env:WHATSAPP_TEST_MODULE) { throw 'Run through build.ps1 Test (WHATSAPP_TEST_MODULE names the built manifest).' }
    $cmdletCases = (Import-PowerShellDataFile $env:WHATSAPP_TEST_MODULE).CmdletsToExport | ForEach-Object { @{ Name = $_ } }
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-BuiltModule
    $script:moduleCmdlets = (Get-Module WhatsappPhone).ExportedCmdlets.Keys
    $script:commonParameters = [System.Management.Automation.Cmdlet]::CommonParameters

    function Get-ParameterDescription($Help, [string] $Parameter) {
        (@($Help.parameters.parameter | Where-Object name -EQ $Parameter | ForEach-Object { $_.description.Text }) -join ' ').Trim()
    }

    # Parses an example; returns its AST, or throws with the parse errors.
    function ConvertTo-Ast([string] $Code, [string] $Where) {
        $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref] $null, [ref] $errors)
        if ($errors) { throw "${Where} does not parse: $($errors.Message -join '; ')" }
        $ast
    }

    # The parameter a name binds to, as PowerShell resolves it: exact name or alias, else a unique prefix.
    function Resolve-ParameterName($Command, [string] $Name) {
        $names = foreach ($p in $Command.Parameters.Values) { foreach ($n in @($p.Name) + @($p.Aliases)) { [pscustomobject]@{ Name = $n; Parameter = $p.Name } } }
        $exact = @($names | Where-Object Name -EQ $Name)
        if ($exact) { return $exact[0].Parameter }
        $prefix = @($names | Where-Object { $_.Name -like "$Name*" } | Select-Object -ExpandProperty Parameter -Unique)
        if ($prefix.Count -eq 1) { $prefix[0] }
    }
}

Describe 'Help of <Name>' -ForEach $cmdletCases {
    BeforeAll {
        $script:help = Get-Help $Name -Full
        $script:command = Get-Command $Name
        $script:parameters = @($command.Parameters.Values | Where-Object Name -NotIn $commonParameters)
        $script:examples = @($help.examples.example)
    }

    It 'has a written synopsis, not the syntax Get-Help makes up without help' {
        $synopsis = "$($help.Synopsis)".Trim()
        $synopsis | Should -Not -BeNullOrEmpty
        $synopsis | Should -Not -Match "^$([regex]::Escape($Name))\b"
        $synopsis | Should -Not -Match 'CommonParameters'
        $synopsis.Length | Should -BeGreaterThan 20
    }

    It 'has a description' {
        (@($help.description.Text) -join ' ').Trim().Length | Should -BeGreaterThan 100
    }

    It 'describes every parameter but the common ones' {
        foreach ($p in $parameters) {
            Get-ParameterDescription $help $p.Name | Should -Not -BeNullOrEmpty -Because "-$($p.Name) of $Name needs a description"
        }
    }

    It 'documents only parameters the cmdlet has' {
        foreach ($documented in @($help.parameters.parameter.name)) {
            $documented | Should -BeIn $parameters.Name -Because "the help of $Name documents -$documented"
        }
    }

    It 'names every accepted value of a parameter with a fixed set' {
        foreach ($p in $parameters) {
            $set = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] }
            foreach ($value in @($set.ValidValues)) {
                Get-ParameterDescription $help $p.Name | Should -Match "\b$([regex]::Escape($value))\b" -Because "-$($p.Name) accepts $value"
            }
        }
    }

    It 'shows one syntax per parameter set, with the parameters of that set' {
        $sets = @($command.ParameterSets | ForEach-Object { (@($_.Parameters.Name | Where-Object { $_ -notin $commonParameters }) | Sort-Object) -join ',' })
        $items = @($help.syntax.syntaxItem)
        $items.Count | Should -Be $sets.Count
        foreach ($item in $items) { ((@($item.parameter.name) | Sort-Object) -join ',') | Should -BeIn $sets }
    }

    It 'describes its output types' {
        $documented = @($help.returnValues.returnValue.type.name)
        foreach ($type in @($command.OutputType.Name | Where-Object { $_ -ne 'System.Void' })) { $documented | Should -Contain $type }
    }

    It 'has at least two examples, each with code that parses and a remark' {
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($ex in $examples) {
            "$($ex.code)".Trim() | Should -Not -BeNullOrEmpty -Because $ex.title
            { ConvertTo-Ast $ex.code $ex.title } | Should -Not -Throw
            (@($ex.remarks.Text) -join '').Trim() | Should -Not -BeNullOrEmpty -Because "$($ex.title) should say what it does"
        }
    }

    It 'uses <Name> in its examples' {
        ($examples.code -join "`n") | Should -Match "\b$([regex]::Escape($Name))\b"
    }

    It "calls this module's cmdlets in its examples only with parameters they have" {
        foreach ($ex in $examples) {
            $ast = ConvertTo-Ast $ex.code $ex.title
            foreach ($call in $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true)) {
                $target = $call.GetCommandName()
                if ($target -notin $moduleCmdlets) { continue }
                foreach ($p in $call.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] }) {
                    Resolve-ParameterName (Get-Command $target) $p.ParameterName |
                        Should -Not -BeNullOrEmpty -Because "$($ex.title) passes -$($p.ParameterName) to $target"
                }
            }
        }
    }

    It 'never shows a real-looking token in its examples' {
        foreach ($ex in $examples) {
            $ast = ConvertTo-Ast $ex.code $ex.title
            foreach ($call in $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] -and $args[0].GetCommandName() -eq 'Connect-WaAccount' }, $true)) {
                $token = [System.Management.Automation.Language.StaticParameterBinder]::BindCommand($call, $true).BoundParameters['AccessToken'].Value
                if ($token -is [System.Management.Automation.Language.StringConstantExpressionAst]) {
                    $token.Value | Should -Be 'emulator-token' -Because "$($ex.title) must take the token from a variable, Read-Host or a secure store"
                }
            }
        }
    }

    It 'links to about_WhatsappPhone and to cmdlets that exist' {
        $links = @($help.relatedLinks.navigationLink.linkText)
        $links | Should -Contain 'about_WhatsappPhone'
        $cmdletLinks = @($links | Where-Object { $_ -match '^\w+-Wa\w+$' })
        if ($Name -ne 'Disconnect-WaAccount' -or $cmdletLinks) { $cmdletLinks | Should -Not -BeNullOrEmpty }
        foreach ($link in $cmdletLinks) { $link | Should -BeIn $moduleCmdlets }
    }
}

Describe 'The help files' {
    It 'are MAML in the namespaces Windows PowerShell 5.1 reads, next to the module assembly' {
        $file = Join-Path (Get-Module WhatsappPhone).ModuleBase 'en-US/WhatsappPhone.PowerShell.dll-Help.xml'
        $xml = [xml](Get-Content $file -Raw)
        $xml.DocumentElement.NamespaceURI | Should -Be 'http://msh'
        $commands = @($xml.DocumentElement.ChildNodes | Where-Object LocalName -EQ 'command')
        $commands.NamespaceURI | Select-Object -Unique | Should -Be 'http://schemas.microsoft.com/maml/dev/command/2004/10'
        $commands.Count | Should -Be $moduleCmdlets.Count
    }
}

Describe 'about_WhatsappPhone' {
    BeforeAll {
        $script:about = Get-Help about_WhatsappPhone -ErrorAction Stop | Out-String
        $script:aboutFile = Join-Path (Get-Module WhatsappPhone).ModuleBase 'en-US/about_WhatsappPhone.help.txt'
    }

    It 'is found by Get-Help' {
        $about | Should -Match 'about_WhatsappPhone'
        $about | Should -Match 'SHORT DESCRIPTION'
    }

    It 'explains <Topic>' -ForEach @(
        @{ Topic = 'token kinds'; Pattern = 'system-user', '24 hours', '190' }
        @{ Topic = 'the environment variables'; Pattern = 'WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_BUSINESS_ID', 'WHATSAPP_API_VERSION', 'WHATSAPP_BASE_URI' }
        @{ Topic = 'runbooks and Azure Automation'; Pattern = 'runbook', 'Azure Automation', 'Get-AutomationVariable', '-Confirm:$false' }
        @{ Topic = 'parallel runspaces'; Pattern = 'ForEach-Object -Parallel', 'Connect-WaAccount -AccessToken $token -PassThru', '-Context $using:ctx' }
        @{ Topic = 'the PIN versus the verification code'; Pattern = 'two-step verification PIN', 'verification code', 'SMS', 'VOICE', 'Set-WaPhoneNumberPin' }
        @{ Topic = 'the registration flow and its limit'; Pattern = 'Request-WaPhoneNumberCode', 'Confirm-WaPhoneNumberCode', '10 register', '72 hours', '133016', '-SkipIfRegistered' }
        @{ Topic = 'error codes and what to do'; Pattern = 'FullyQualifiedErrorId', 'WaApi.133005', 'WaApi.133006', 'WaApi.100.33', 'Exception.Code', 'WaNotConnected' }
        @{ Topic = 'the local emulator'; Pattern = 'build.ps1 Emulator', 'Start-WaEmulator', 'http://127.0.0.1' }
    ) {
        foreach ($p in $Pattern) { $about.Contains($p) | Should -BeTrue -Because "about_WhatsappPhone should mention '$p' when explaining $Topic" }
    }

    It 'names every cmdlet' {
        foreach ($name in $moduleCmdlets) { $about.Contains($name) | Should -BeTrue -Because "about_WhatsappPhone should name $name" }
    }

    It 'is plain ASCII, at most 80 columns, as Windows PowerShell shows it' {
        $lines = Get-Content $aboutFile
        @($lines | Where-Object { $_.Length -gt 80 }) | Should -BeNullOrEmpty
        [System.IO.File]::ReadAllBytes($aboutFile) | Where-Object { $_ -gt 127 } | Should -BeNullOrEmpty
    }
}
