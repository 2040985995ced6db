<#
.SYNOPSIS
    Builds the module's MAML help (en-US/WhatsappPhone.PowerShell.dll-Help.xml) and ships its
    about_ topic, from the sources in docs/help.
.DESCRIPTION
    The prose comes from one markdown file per cmdlet (docs/help/<Cmdlet>.md, format in
    docs/help/README.md). Everything else comes from the compiled cmdlets, read from the built
    module: parameter sets (the syntax), types, mandatory, position, pipeline input, aliases,
    accepted values (ValidateSet), defaults (the property values of a new cmdlet object) and
    output types. So help cannot drift from the code.

    Stops with an error, naming every problem, when a cmdlet has no help file, a parameter has no
    description, a documented parameter does not exist, a cmdlet has fewer than two examples or
    an example has no code, or OUTPUTS disagrees with [OutputType].

    Run it in its own process (build.ps1 does): it imports the built module.
.EXAMPLE
    dotnet pwsh -NoProfile -File tools/New-MamlHelp.ps1 -ModulePath out/WhatsappPhone/0.1.0/WhatsappPhone.psd1 -SourcePath docs/help
#>
[CmdletBinding()]
param(
    # The built module's manifest; the help is written to en-US/ beside it.
    [Parameter(Mandatory)] [string] $ModulePath,
    # The folder of the markdown sources and the about_ topic.
    [Parameter(Mandatory)] [string] $SourcePath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$ModulePath = (Resolve-Path $ModulePath).ProviderPath
$SourcePath = (Resolve-Path $SourcePath).ProviderPath

$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}
$commonParameters = [System.Management.Automation.Cmdlet]::CommonParameters
$problems = [System.Collections.Generic.List[string]]::new()

# Standard wording for the risk-mitigation parameters; a help file may override it.
$standardText = @{
    WhatIf  = 'Shows what would happen if the cmdlet runs. The cmdlet is not run and no request is sent.'
    Confirm = 'Prompts you for confirmation before running the cmdlet.'
}

#region Markdown reading

# Splits a help file into its title, its ## sections and their ### subsections, each a list of
# lines. Lines inside ``` fences are never read as headings.
function Read-HelpMarkdown([string] $Path) {
    $doc = [ordered]@{ Title = $null; Sections = [ordered]@{} }
    $section = $null; $sub = $null; $inFence = $false
    foreach ($line in [IO.File]::ReadAllLines($Path)) {
        if ($line -match '^\s*```') { $inFence = -not $inFence }
        elseif (-not $inFence) {
            if ($line -match '^# (.+)$') { $doc.Title = $Matches[1].Trim(); continue }
            if ($line -match '^## (.+)$') {
                $section = [ordered]@{ Lines = [System.Collections.Generic.List[string]]::new(); Subsections = [ordered]@{} }
                $doc.Sections[$Matches[1].Trim().ToUpperInvariant()] = $section
                $sub = $null
                continue
            }
            if ($line -match "^### (.+)$" -and $null -ne $section) {
                $sub = [System.Collections.Generic.List[string]]::new()
                $section.Subsections[$Matches[1].Trim()] = $sub
                continue
            }
        }
        if ($null -ne $sub) { $sub.Add($line) } elseif ($null -ne $section) { $section.Lines.Add($line) }
    }
    $doc
}

# Prose as paragraphs: blank lines separate them, the lines of one paragraph are joined, a list
# keeps one item per line and a fenced block keeps its lines as they are.
function ConvertTo-Paragraphs([string[]] $Lines) {
    $paragraphs = [System.Collections.Generic.List[string]]::new()
    $current = [System.Collections.Generic.List[string]]::new()
    $isList = $false; $inFence = $false
    $flush = {
        if ($current.Count) { $paragraphs.Add(($current -join $(if ($isList -or $inFence) { "`n" } else { ' ' }))) }
        $current.Clear()
    }
    foreach ($line in $Lines) {
        if ($line -match '^\s*```') {
            if ($inFence) { $inFence = $false; . $flush } else { . $flush; $inFence = $true }
            continue
        }
        if ($inFence) { $current.Add($line.TrimEnd()); continue }
        if (-not $line.Trim()) { . $flush; $isList = $false; continue }
        if ($current.Count -eq 0) { $isList = $line -match '^\s*([-*]|\d+\.)\s' }
        $current.Add($(if ($isList) { $line.TrimEnd() } else { $line.Trim() }))
    }
    . $flush
    , $paragraphs.ToArray()
}

# An example: its fenced code, and the prose around it as remarks.
function Read-Example([string[]] $Lines) {
    $code = [System.Collections.Generic.List[string]]::new()
    $prose = [System.Collections.Generic.List[string]]::new()
    $inFence = $false; $blocks = 0
    foreach ($line in $Lines) {
        if ($line -match '^\s*```') { $inFence = -not $inFence; if ($inFence) { $blocks++ }; continue }
        if ($inFence) { $code.Add($line.TrimEnd()) } else { $prose.Add($line) }
    }
    @{ Code = ($code -join "`n").Trim("`n"); Blocks = $blocks; Remarks = ConvertTo-Paragraphs $prose }
}

#endregion

#region MAML writing

function Add-Element($Parent, [string] $Prefix, [string] $Name, [string] $Text) {
    $e = $Parent.OwnerDocument.CreateElement($Prefix, $Name, $ns[$Prefix])
    if ($PSBoundParameters.ContainsKey('Text')) { $e.InnerText = $Text }
    $null = $Parent.AppendChild($e)
    $e
}

function Add-Paragraphs($Parent, [string[]] $Paragraphs) {
    foreach ($p in $Paragraphs) { $null = Add-Element $Parent maml para $p }
}

# One parameter, as the syntax of a set shows it ($SetParameter) or as the PARAMETERS section does.
function Add-Parameter($Parent, $Parameter, $SetParameter, [string[]] $Description, [string] $Default, [switch] $InSyntax) {
    $type = $Parameter.ParameterType
    $isSwitch = $type -eq [System.Management.Automation.SwitchParameter]
    $pipeline = @(if ($SetParameter.ValueFromPipeline) { 'ByValue' }; if ($SetParameter.ValueFromPipelineByPropertyName) { 'ByPropertyName' })
    $e = Add-Element $Parent command parameter
    $e.SetAttribute('required', "$($SetParameter.IsMandatory)".ToLowerInvariant())
    $e.SetAttribute('variableLength', "$($type.IsArray)".ToLowerInvariant())
    $e.SetAttribute('globbing', 'false')
    $e.SetAttribute('pipelineInput', $(if ($pipeline) { "True ($($pipeline -join ', '))" } else { 'False' }))
    $e.SetAttribute('position', $(if ($SetParameter.Position -ge 0) { "$($SetParameter.Position)" } else { 'named' }))
    $e.SetAttribute('aliases', $(if ($Parameter.Aliases.Count) { $Parameter.Aliases -join ', ' } else { 'none' }))
    $null = Add-Element $e maml name $Parameter.Name
    Add-Paragraphs (Add-Element $e maml description) $Description
    $values = @($Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | ForEach-Object ValidValues)
    if ($values) {
        $group = Add-Element $e command parameterValueGroup
        foreach ($v in $values) {
            $pv = Add-Element $group command parameterValue $v
            $pv.SetAttribute('required', 'false'); $pv.SetAttribute('variableLength', 'false')
        }
    }
    $typeName = Get-TypeName $type
    if (-not ($isSwitch -and $InSyntax)) {
        $pv = Add-Element $e command parameterValue $typeName
        $pv.SetAttribute('required', "$(-not $isSwitch)".ToLowerInvariant())
        $pv.SetAttribute('variableLength', "$($type.IsArray)".ToLowerInvariant())
    }
    $t = Add-Element $e dev type
    $null = Add-Element $t maml name $typeName
    $null = Add-Element $t maml uri
    $null = Add-Element $e dev defaultValue $Default
}

# Short names, as the syntax Get-Command shows: String[], SecureString, WaContext, Int32 for int?.
function Get-TypeName([type] $Type) {
    $element = if ($Type.IsArray) { $Type.GetElementType() } else { $Type }
    if ($element.IsGenericType -and $element.GetGenericTypeDefinition() -eq [Nullable`1]) { $element = $element.GetGenericArguments()[0] }
    if ($Type.IsArray) { "$($element.Name)[]" } else { $element.Name }
}

# The default of a parameter: from its help file ("Default value: ..."), else the value a new
# cmdlet object holds, else None.
function Get-DefaultValue($Command, $Parameter, $Instance, [string] $Override) {
    if ($Override) { return $Override }
    if ($Parameter.ParameterType -eq [System.Management.Automation.SwitchParameter]) { return 'False' }
    $property = $Command.ImplementingType.GetProperty($Parameter.Name)
    if (-not $property -or -not $Instance) { return 'None' }
    $value = $property.GetValue($Instance)
    if ($null -eq $value -or ($value -is [array] -and $value.Count -eq 0) -or "$value" -eq '') { return 'None' }
    "$value"
}

#endregion

$module = Import-Module $ModulePath -PassThru -Force
$moduleDir = Split-Path $ModulePath
$cmdlets = $module.ExportedCmdlets.Values | Sort-Object Name

$xml = [xml]::new()
$null = $xml.AppendChild($xml.CreateXmlDeclaration('1.0', 'utf-8', $null))
$root = $xml.CreateElement('helpItems', 'http://msh')
$root.SetAttribute('schema', 'maml')
$null = $xml.AppendChild($root)

foreach ($command in $cmdlets) {
    $name = $command.Name
    $problemsBefore = $problems.Count
    $file = Join-Path $SourcePath "$name.md"
    if (-not (Test-Path $file)) { $problems.Add("${name}: no help file $file."); continue }
    $doc = Read-HelpMarkdown $file
    $where = "$name ($file)"
    if ($doc.Title -ne $name) { $problems.Add("${where}: the title is '$($doc.Title)', not '# $name'.") }
    function Section([string] $n) { if ($doc.Sections.Contains($n)) { $doc.Sections[$n] } }

    $synopsis = if (Section SYNOPSIS) { ConvertTo-Paragraphs (Section SYNOPSIS).Lines } else { @() }
    $description = if (Section DESCRIPTION) { ConvertTo-Paragraphs (Section DESCRIPTION).Lines } else { @() }
    if (-not $synopsis) { $problems.Add("${where}: no ## SYNOPSIS.") }
    if (-not $description) { $problems.Add("${where}: no ## DESCRIPTION.") }

    # Parameters: every one the cmdlet has (but the common ones) needs a description, and every
    # one described must exist.
    $parameters = @($command.Parameters.Values | Where-Object Name -NotIn $commonParameters)
    $documented = @{}
    $defaults = @{}
    if (Section PARAMETERS) {
        foreach ($heading in (Section PARAMETERS).Subsections.Keys) {
            $paramName = $heading -replace '^-', ''
            $lines = @((Section PARAMETERS).Subsections[$heading])
            $defaultLine = @($lines | Where-Object { $_ -match '^Default value:\s*(.+)$' })
            if ($defaultLine) { $defaults[$paramName] = ($defaultLine[-1] -replace '^Default value:\s*', '').Trim() }
            $documented[$paramName] = ConvertTo-Paragraphs @($lines | Where-Object { $_ -notmatch '^Default value:' })
            if ($paramName -notin $parameters.Name) { $problems.Add("${where}: documents -$paramName, which the cmdlet does not have.") }
        }
    }
    foreach ($p in $parameters) {
        if (-not $documented.ContainsKey($p.Name) -and $standardText.ContainsKey($p.Name)) { $documented[$p.Name] = @($standardText[$p.Name]) }
        if (-not $documented[$p.Name]) { $problems.Add("${where}: -$($p.Name) has no description (### -$($p.Name) under ## PARAMETERS).") }
    }

    $examples = @()
    if (Section EXAMPLES) {
        foreach ($title in (Section EXAMPLES).Subsections.Keys) {
            $ex = Read-Example (Section EXAMPLES).Subsections[$title]
            if ($ex.Blocks -ne 1 -or -not $ex.Code) { $problems.Add("${where}: '$title' needs exactly one fenced code block with code.") }
            $examples += @{ Title = $title; Code = $ex.Code; Remarks = $ex.Remarks }
        }
    }
    if ($examples.Count -lt 2) { $problems.Add("${where}: $($examples.Count) example(s); at least 2 are needed (### Example N: title under ## EXAMPLES).") }

    # Related links: "- [text](uri)" or "- text" (another cmdlet, an about_ topic).
    $links = @(if (Section 'RELATED LINKS') {
            foreach ($line in (Section 'RELATED LINKS').Lines) {
                if ($line -match '^\s*[-*]\s+\[([^\]]+)\]\(([^)]*)\)') { @{ Text = $Matches[1]; Uri = $(if ($Matches[2] -match '^https?://') { $Matches[2] } else { '' }) } }
                elseif ($line -match '^\s*[-*]\s+(\S.*)$') { @{ Text = $Matches[1].Trim(); Uri = '' } }
            }
        })
    if (-not $links) { $problems.Add("${where}: no ## RELATED LINKS.") }

    # OUTPUTS: the [OutputType] types, each with its description from the help file.
    $outputTypes = @($command.OutputType | ForEach-Object Name | Where-Object { $_ -ne 'System.Void' } | Select-Object -Unique)
    $outputDocs = if (Section OUTPUTS) { (Section OUTPUTS).Subsections } else { @{} }
    foreach ($t in $outputDocs.Keys) {
        if ($t -ne 'None' -and $t -notin $outputTypes) { $problems.Add("${where}: OUTPUTS names $t, which is not an [OutputType] of the cmdlet ($($outputTypes -join ', ')).") }
    }
    foreach ($t in $outputTypes) { if (-not $outputDocs.Contains($t)) { $problems.Add("${where}: OUTPUTS does not describe $t (### $t).") } }
    if (-not $outputTypes -and -not $outputDocs.Contains('None')) { $problems.Add("${where}: OUTPUTS should say ### None: the cmdlet writes nothing.") }
    $inputDocs = if (Section INPUTS) { (Section INPUTS).Subsections } else { @{} }
    if (-not $inputDocs.Count) { $problems.Add("${where}: no ## INPUTS (### None when nothing is taken from the pipeline).") }

    if ($problems.Count -gt $problemsBefore) { continue }

    # The MAML of one command.
    $c = Add-Element $root command command
    # Declared once here, as in Microsoft's own MAML, rather than on every element.
    foreach ($prefix in 'maml', 'dev', 'MSHelp') {
        $a = $xml.CreateAttribute('xmlns', $prefix, 'http://www.w3.org/2000/xmlns/')
        $a.Value = if ($prefix -eq 'MSHelp') { 'http://msdn.microsoft.com/mshelp' } else { $ns[$prefix] }
        $null = $c.Attributes.Append($a)
    }
    $details = Add-Element $c command details
    $null = Add-Element $details command name $name
    $null = Add-Element $details command verb $command.Verb
    $null = Add-Element $details command noun $command.Noun
    Add-Paragraphs (Add-Element $details maml description) $synopsis
    Add-Paragraphs (Add-Element $c maml description) $description

    $instance = try { [Activator]::CreateInstance($command.ImplementingType) } catch { $null }
    try {
        # Syntax: one item per parameter set, the default set first; positional, then mandatory,
        # then the rest, -WhatIf and -Confirm last.
        $syntax = Add-Element $c command syntax
        $sets = @($command.ParameterSets | Sort-Object { -not $_.IsDefault }, Name)
        foreach ($set in $sets) {
            $item = Add-Element $syntax command syntaxItem
            $null = Add-Element $item maml name $name
            $setParameters = @($set.Parameters | Where-Object Name -NotIn $commonParameters)
            $ordered = $setParameters | Sort-Object `
                { $_.Name -in 'WhatIf', 'Confirm' }, { if ($_.Position -ge 0) { $_.Position } else { [int]::MaxValue } }, { -not $_.IsMandatory }
            foreach ($sp in $ordered) {
                $p = $command.Parameters[$sp.Name]
                Add-Parameter $item $p $sp $documented[$p.Name] (Get-DefaultValue $command $p $instance $defaults[$p.Name]) -InSyntax
            }
        }

        # Parameters, in the order of the syntax of the first set that has each.
        $section = Add-Element $c command parameters
        $seen = @{}
        foreach ($set in $sets) {
            foreach ($param in $syntax.SelectNodes('.//*[local-name()="parameter"]/*[local-name()="name"]') | ForEach-Object InnerText) {
                if ($seen[$param]) { continue }
                $seen[$param] = $true
                $p = $command.Parameters[$param]
                $sp = ($sets | ForEach-Object { $_.Parameters } | Where-Object Name -EQ $param | Select-Object -First 1)
                Add-Parameter $section $p $sp $documented[$param] (Get-DefaultValue $command $p $instance $defaults[$param])
            }
        }
    }
    finally {
        if ($instance -is [IDisposable]) { $instance.Dispose() }
    }

    $inputs = Add-Element $c command inputTypes
    foreach ($t in $inputDocs.Keys) {
        $it = Add-Element $inputs command inputType
        $null = Add-Element (Add-Element $it dev type) maml name $t
        Add-Paragraphs (Add-Element $it maml description) (ConvertTo-Paragraphs $inputDocs[$t])
    }
    $returns = Add-Element $c command returnValues
    foreach ($t in $outputDocs.Keys) {
        $rv = Add-Element $returns command returnValue
        $null = Add-Element (Add-Element $rv dev type) maml name $t
        Add-Paragraphs (Add-Element $rv maml description) (ConvertTo-Paragraphs $outputDocs[$t])
    }

    if ((Section NOTES) -and ($notes = ConvertTo-Paragraphs (Section NOTES).Lines)) {
        Add-Paragraphs (Add-Element (Add-Element $c maml alertSet) maml alert) $notes
    }

    $exampleList = Add-Element $c command examples
    foreach ($ex in $examples) {
        $e = Add-Element $exampleList command example
        $null = Add-Element $e maml title "---------- $($ex.Title) ----------"
        $null = Add-Element $e dev code $ex.Code
        # The empty paragraph puts a blank line before the next example's title.
        Add-Paragraphs (Add-Element $e dev remarks) (@($ex.Remarks) + '')
    }

    $related = Add-Element $c command relatedLinks
    foreach ($link in $links) {
        $nl = Add-Element $related maml navigationLink
        $null = Add-Element $nl maml linkText $link.Text
        $null = Add-Element $nl maml uri $link.Uri
    }
}

# Help files for cmdlets that do not exist are drift too.
foreach ($f in Get-ChildItem $SourcePath -Filter '*-*.md') {
    if ($f.BaseName -notin $cmdlets.Name) { $problems.Add("$($f.FullName) documents $($f.BaseName), which the module does not export.") }
}

$about = Join-Path $SourcePath 'about_WhatsappPhone.help.txt'
if (-not (Test-Path $about)) { $problems.Add("No about topic: $about.") }

if ($problems.Count) {
    Write-Error -ErrorAction Continue ("The help sources in $SourcePath are incomplete:`n  " + ($problems -join "`n  "))
    exit 1
}

$out = New-Item -ItemType Directory -Force (Join-Path $moduleDir 'en-US')
# Named after the assembly that holds the cmdlets, as Get-Help looks for it.
$helpFile = Join-Path $out "$([IO.Path]::GetFileName($cmdlets[0].ImplementingType.Assembly.Location))-Help.xml"
$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
$writer = [System.Xml.XmlWriter]::Create($helpFile, $settings)
try { $xml.Save($writer) } finally { $writer.Dispose() }
Copy-Item $about $out
Write-Host "Help: $helpFile ($($cmdlets.Count) cmdlets), $(Join-Path $out (Split-Path $about -Leaf))"
