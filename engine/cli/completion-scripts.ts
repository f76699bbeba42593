// Owns: the shell scripts `kfchart completion bash|zsh|fish|powershell` prints. Each script only collects the words
// typed so far and asks `kfchart __complete WORD...` (complete.ts) for candidates; the last output line is
// `:<directive>` (2: no space after the candidate, 4: no file-name fallback).
// Must not: know any verb or flag (the CLI answers; a script never goes stale).

export const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type Shell = (typeof SHELLS)[number];

const bash = (cmd: string) => `# bash completion for kfchart: source <(kfchart completion bash)
# (or save it as /etc/bash_completion.d/kfchart). Candidates come from \`kfchart ${cmd} WORD...\`.
_kfchart() {
  local cur=\${COMP_WORDS[COMP_CWORD]} i w out directive strip=''
  local -a args=() lines=()
  # bash splits --flag=value at "=" (COMP_WORDBREAKS): glue the pieces back together
  for ((i = 1; i <= COMP_CWORD; i++)); do
    w=\${COMP_WORDS[i]}
    if ((\${#args[@]})) && [[ $w == "=" || \${COMP_WORDS[i-1]} == "=" ]]; then
      args[\${#args[@]}-1]+=$w
    else
      args+=("$w")
    fi
  done
  [[ $cur == "=" || \${args[\${#args[@]}-1]} != "$cur" ]] && strip=\${args[\${#args[@]}-1]%"$cur"}
  out=$("\${COMP_WORDS[0]}" ${cmd} "\${args[@]}" 2>/dev/null) || return 0
  mapfile -t lines <<< "$out"
  directive=\${lines[\${#lines[@]}-1]#:}
  [[ $directive =~ ^[0-9]+$ ]] || directive=0
  unset 'lines[\${#lines[@]}-1]'
  COMPREPLY=()
  for w in "\${lines[@]}"; do
    [[ -n $w ]] || continue
    w=\${w%%$'\\t'*}
    COMPREPLY+=("\${w#"$strip"}")
  done
  if ((directive & 2)); then compopt -o nospace 2>/dev/null; fi
  if ((directive & 4)); then compopt +o default 2>/dev/null; fi
  return 0
}
complete -o default -F _kfchart kfchart
`;

const zsh = (cmd: string) => `#compdef kfchart
# zsh completion for kfchart: source <(kfchart completion zsh), or save it as _kfchart in a folder of $fpath.
# Candidates come from \`kfchart ${cmd} WORD...\`.
_kfchart() {
  local out directive l v d
  local -a lines cands nospace
  out=$("\${words[1]}" ${cmd} "\${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
  lines=("\${(@f)out}")
  directive=\${lines[-1]#:}
  [[ $directive == <-> ]] || directive=0
  lines=("\${(@)lines[1,-2]}")
  for l in "\${lines[@]}"; do
    [[ -n $l ]] || continue
    v=\${l%%$'\\t'*}
    v=\${v//:/\\\\:}
    if [[ $l == *$'\\t'* ]]; then d=\${l#*$'\\t'}; cands+=("$v:$d"); else cands+=("$v"); fi
  done
  if (( \${#cands} == 0 )); then
    (( directive & 4 )) || _files
    return
  fi
  (( directive & 2 )) && nospace=(-S '')
  _describe -t kfchart 'kfchart' cands "\${nospace[@]}"
}
if [[ "\${funcstack[1]}" == _kfchart ]]; then _kfchart "$@"; else compdef _kfchart kfchart; fi
`;

const fish = (cmd: string) => `# fish completion for kfchart: kfchart completion fish | source
# (or save it as ~/.config/fish/completions/kfchart.fish). Candidates come from \`kfchart ${cmd} WORD...\`.
function __kfchart_complete
    set -l args (commandline -opc)[2..-1] (commandline -ct)
    set -l out (kfchart ${cmd} $args 2>/dev/null)
    or return
    set -l directive (string replace -r '^:' '' -- $out[-1])
    string match -qr '^[0-9]+$' -- $directive; or set directive 0
    set -e out[-1]
    if test (count $out) -eq 0
        if test (math "bitand($directive, 4)") -eq 0
            __fish_complete_path (commandline -ct)
        end
        return
    end
    printf '%s\\n' $out
end
complete -c kfchart -f -a '(__kfchart_complete)'
`;

const powershell = (cmd: string) => `# PowerShell completion for kfchart: kfchart completion powershell | Out-String | Invoke-Expression
# Candidates come from \`kfchart ${cmd} WORD...\`.
Register-ArgumentCompleter -Native -CommandName kfchart -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $words = @($commandAst.CommandElements | Select-Object -Skip 1 | Where-Object { $_.Extent.StartOffset -lt $cursorPosition } | ForEach-Object { $_.ToString() })
    if ($wordToComplete -eq '') { $words += '""' }
    $out = @(& kfchart ${cmd} @words 2>$null)
    if ($out.Count -eq 0) { return }
    $directive = 0
    [int]::TryParse(($out[-1] -replace '^:', ''), [ref]$directive) | Out-Null
    $candidates = if ($out.Count -gt 1) { $out[0..($out.Count - 2)] } else { @() }
    foreach ($line in $candidates) {
        if ($line -eq '') { continue }
        $parts = $line -split "\`t", 2
        $tip = if ($parts.Count -gt 1) { $parts[1] } else { $parts[0] }
        [System.Management.Automation.CompletionResult]::new($parts[0], $parts[0], 'ParameterValue', $tip)
    }
}
`;

/** The completion script of a shell; with descriptions off the script asks for bare candidates. */
export function completionScript(shell: Shell, descriptions = true): string {
  const cmd = descriptions ? '__complete' : '__completeNoDesc';
  return { bash, zsh, fish, powershell }[shell](cmd);
}
