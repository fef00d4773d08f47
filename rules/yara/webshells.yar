/*
  Web shells in PHP, ASP, ASP.NET and JSP pages: Pantau's own rules, written for this project
  (docs/assessments.md, "Malware and webshell scanning"). A match is a lead for the analyst, not a
  verdict: admin tools call some of these functions too, which is why each rule asks for request
  input reaching the dangerous call, or for several traits together, rather than for the call.
*/

rule php_eval_of_request_input : webshell php
{
  meta:
    description = "PHP code evaluates what the request sends (eval/assert/create_function of $_GET, $_POST, $_REQUEST or $_COOKIE)"
    severity = "high"
  strings:
    $direct = /(eval|assert|create_function)\s*\(\s*@?\s*(stripslashes\s*\(\s*|trim\s*\(\s*)?\$_(GET|POST|REQUEST|COOKIE|SERVER)\s*\[/ nocase
    // $_POST['f']($_POST['a']): the request names the function and its argument.
    $variable_call = /\$_(GET|POST|REQUEST|COOKIE)\s*\[[^\]\n]{1,40}\]\s*\(\s*@?\s*\$_(GET|POST|REQUEST|COOKIE)/ nocase
  condition:
    any of them
}

rule php_decoder_chain_eval : webshell php obfuscation
{
  meta:
    description = "PHP evaluates a decoded payload (eval of base64_decode/gzinflate/str_rot13/... or decoders nested in one another)"
    severity = "high"
  strings:
    $eval_decoded = /(eval|assert)\s*\(\s*@?\s*(base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13|strrev|rawurldecode|hex2bin|convert_uudecode)\s*\(/ nocase
    $nested = /(gzinflate|gzuncompress|gzdecode|str_rot13|base64_decode|strrev)\s*\(\s*(gzinflate|gzuncompress|gzdecode|str_rot13|base64_decode|strrev)\s*\(/ nocase
    // A long base64 literal handed to a decoder: the body of a packed shell.
    $packed = /base64_decode\s*\(\s*['"][A-Za-z0-9+\/=]{400}/
  condition:
    $eval_decoded or ($nested and $packed) or (#nested >= 2)
}

rule php_preg_replace_e_modifier : webshell php
{
  meta:
    description = "preg_replace with the /e modifier, which evaluates the replacement as PHP (removed in PHP 7; kept alive by shells)"
    severity = "high"
  strings:
    $slash = /preg_replace\s*\(\s*['"]\/[^'"\n]{0,200}\/[a-zA-Z]{0,5}e[a-zA-Z]{0,5}['"]\s*,/
    $hash = /preg_replace\s*\(\s*['"]#[^'"\n]{0,200}#[a-zA-Z]{0,5}e[a-zA-Z]{0,5}['"]\s*,/
  condition:
    any of them
}

rule php_command_execution_of_request_input : webshell php
{
  meta:
    description = "PHP runs an operating-system command taken from the request (system/passthru/shell_exec/exec/popen/proc_open or backticks)"
    severity = "high"
  strings:
    $call = /(system|passthru|shell_exec|exec|popen|proc_open|pcntl_exec)\s*\(\s*@?\s*(stripslashes\s*\(\s*|base64_decode\s*\(\s*|urldecode\s*\(\s*)?\$_(GET|POST|REQUEST|COOKIE)\s*\[/ nocase
    $backtick = /`[^`\n]{0,20}\$_(GET|POST|REQUEST|COOKIE)\s*\[/ nocase
  condition:
    any of them
}

rule webshell_known_family_markers : webshell
{
  meta:
    description = "Names and markers of well-known web shell families (c99, r57, WSO, b374k, FilesMan, Indoxploit-style uploaders)"
    severity = "critical"
  strings:
    $c99 = "c99shell" nocase
    $c99_fn = "c99_buff_prepare" nocase
    $r57 = "r57shell" nocase
    $wso_version = /WSO_VERSION|wso_version|WSO [0-9]\.[0-9]/
    $filesman = "FilesMan"
    $b374k = "b374k" nocase
    $indoxploit = "IndoXploit" nocase
    $uploader = /<title>[^<]{0,40}(shell|uploader|backdoor)[^<]{0,40}<\/title>/ nocase
  condition:
    any of ($c99*, $r57, $wso_version, $filesman, $b374k, $indoxploit) or
    ($uploader and filesize < 2MB)
}

rule asp_eval_of_request_input : webshell asp
{
  meta:
    description = "Classic ASP or ASP.NET evaluates or executes what the request sends (eval/Execute of Request)"
    severity = "high"
  strings:
    $classic = /(eval|execute|executeglobal)\s*\(?\s*request\s*(\.\s*(form|querystring|item))?\s*\(/ nocase
    $dotnet = /eval\s*\(\s*Request\s*(\.\s*(Item|Form|QueryString))?\s*\[/ nocase
    $process = /Process\.Start\s*\([^)\n]{0,80}Request\s*(\.\s*(Item|Form|QueryString))?\s*\[/ nocase
  condition:
    any of them
}

rule jsp_command_execution_of_request_input : webshell jsp
{
  meta:
    description = "A JSP page runs a command taken from a request parameter (Runtime.exec or ProcessBuilder with request.getParameter)"
    severity = "high"
  strings:
    $exec_param = /Runtime\s*\.\s*getRuntime\s*\(\s*\)\s*\.\s*exec\s*\(\s*request\s*\.\s*getParameter/
    $exec = /Runtime\s*\.\s*getRuntime\s*\(\s*\)\s*\.\s*exec\s*\(/
    $builder = /new\s+ProcessBuilder\s*\(/
    $param = /request\s*\.\s*getParameter\s*\(/
  condition:
    $exec_param or (($exec or $builder) and $param and filesize < 512KB)
}
