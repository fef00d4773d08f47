/*
  Online-gambling injection in web pages and the scripts that serve it: Pantau's own rules,
  written for this project (docs/assessments.md). Defaced government sites in Indonesia carry
  blocks of links to slot/togel/judi sites hidden from visitors, and scripts that show them only
  to search engines or send visitors from a search on to a gambling site. A match is a lead: a
  news article about gambling has the words, which is why the rules also ask for hiding, stuffing
  or redirecting.
*/

rule gambling_hidden_link_block : gambling seo_spam
{
  meta:
    description = "A hidden block (display:none, visibility:hidden, off-screen, zero size) followed within 3000 bytes by at least two links whose text is online-gambling words"
    severity = "high"
  strings:
    $hidden = /(display\s*:\s*none|visibility\s*:\s*hidden|(left|top|text-indent)\s*:\s*-[0-9]{3,}px|font-size\s*:\s*0(px)?\s*[;"']|(height|width)\s*:\s*0(px)?\s*;\s*overflow\s*:\s*hidden)/ nocase
    // A link whose text starts, within 60 bytes, with a gambling word.
    $gambling_link = /<a\s[^>]{0,200}href[^>]{0,200}>[^<]{0,60}(slot|togel|judi|casino|kasino|poker|sbobet|maxwin|gacor|bandar|toto|scatter|jackpot)/ nocase
  condition:
    for any i in (1..#hidden) : (
      for 2 j in (1..#gambling_link) : (
        @gambling_link[j] > @hidden[i] and @gambling_link[j] < @hidden[i] + 3000
      )
    )
}

rule gambling_keyword_stuffing : gambling seo_spam
{
  meta:
    description = "A page stuffed with links and many different online-gambling terms (injected SEO spam)"
    severity = "medium"
  strings:
    $link = /<a\s[^>]{0,200}href/ nocase
    $g1 = "slot gacor" nocase
    $g2 = "togel" nocase
    $g3 = "judi online" nocase
    $g4 = "situs slot" nocase
    $g5 = "maxwin" nocase
    $g6 = "sbobet" nocase
    $g7 = "slot online" nocase
    $g8 = "bandar judi" nocase
    $g9 = "rtp slot" nocase
    $g10 = "scatter hitam" nocase
    $g11 = "casino online" nocase
    $g12 = "poker online" nocase
    $g13 = "slot88" nocase
    $g14 = "agen slot" nocase
    $g15 = "link alternatif" nocase
  condition:
    #link >= 10 and 5 of ($g*)
}

rule js_redirect_by_referrer_or_user_agent : cloaking gambling
{
  meta:
    description = "JavaScript that reads the referrer or user agent, looks for a search engine or crawler near it, and sends the visitor elsewhere (search-engine cloaking of injected pages)"
    severity = "high"
  strings:
    $source = /(document\s*\.\s*referrer|navigator\s*\.\s*userAgent)/ nocase
    $engine = /(google|bing|yahoo|yandex|duckduckgo|baidu|crawler|spider)/ nocase
    $go = /(window\s*\.\s*location|document\s*\.\s*location|location\s*\.\s*(href|replace|assign)|top\s*\.\s*location)/ nocase
  condition:
    // Few places read the referrer or the user agent; each is looked at with what is near it.
    for any i in (1..#source) : (
      for any j in (1..#engine) : ( @engine[j] + 400 > @source[i] and @engine[j] < @source[i] + 400 ) and
      for any k in (1..#go) : ( @go[k] + 800 > @source[i] and @go[k] < @source[i] + 800 )
    )
}

rule php_cloaking_by_user_agent : cloaking gambling php
{
  meta:
    description = "PHP that serves crawlers other content than people (checks HTTP_USER_AGENT or HTTP_REFERER for a search engine, then fetches, includes or redirects)"
    severity = "high"
  strings:
    $ua = /\$_SERVER\s*\[\s*['"]HTTP_(USER_AGENT|REFERER)['"]\s*\]/ nocase
    $engine = /(googlebot|bingbot|google|yahoo|slurp)/ nocase
    $serve = /(file_get_contents|curl_exec|readfile|fopen|include|require)\s*\(?\s*['"]?https?:\/\// nocase
    $redirect = /header\s*\(\s*['"]Location\s*:/ nocase
    $g1 = "slot gacor" nocase
    $g2 = "togel" nocase
    $g3 = "judi online" nocase
    $g4 = "situs slot" nocase
    $g5 = "maxwin" nocase
    $g6 = "sbobet" nocase
    $g7 = "slot online" nocase
    $g8 = "bandar judi" nocase
    $g9 = "rtp slot" nocase
    $g10 = "scatter hitam" nocase
    $g11 = "casino online" nocase
    $g12 = "poker online" nocase
    $g13 = "slot88" nocase
    $g14 = "agen slot" nocase
    $g15 = "link alternatif" nocase
  condition:
    $ua and $engine and ($serve or $redirect) and (any of ($g*) or $serve)
}
