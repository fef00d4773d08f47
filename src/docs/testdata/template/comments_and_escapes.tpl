{{! A comment block that documents the placeholders:
    case.number  the case number
}}
Teks \*\*bukan tebal\*\* dan \| bukan sel, \{{bukan.placeholder}}, \# bukan judul.
\- bukan butir {{! inline comment }}selesai.
| a \| b | c |
