| Nama | SHA-256 |
|---|---|
{{#evidence}} | {{name}} | {{sha256}} | {{/evidence}}
| total | {{count}} |

Daftar:
{{#evidence}}- {{name}}{{/evidence}}
{{#none}}- tidak pernah{{/none}}
- akhir

| No | Nama |
|--|---|
{{#evidence}}| {{@number}} | {{name}} |{{/evidence}}
Di luar pengulangan: [{{@number}}]
