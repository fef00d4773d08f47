# {{v.heading}}
Teks: {{v.bold}} {{v.pipe}} {{v.mustache}} {{v.html}} {{v.pango}}
| Kolom | Nilai |
|---|---|
| {{v.pipe}} | {{v.newline}} |
{{#rows}}| {{.}} | x |{{/rows}}
:: {{v.pipe}} | {{v.bold}}
- {{v.newline}}
-> {{v.control}} {{v.bidi}}
{{#v.pipe}}{{v.hidden}}{{/v.pipe}}
{{v.triple}}
