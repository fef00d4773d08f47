| Waktu | Kejadian | Sumber |
|---|---|---|
{{#timeline}}
| {{time}} | {{what}} | {{source}} |
{{/timeline}}
| - | selesai | - |
