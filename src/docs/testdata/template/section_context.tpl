Tembusan:
{{#cc}}
1. {{.}}
{{/cc}}

{{#operator}}
Yth. {{head_title}} {{agency}} (tim: {{team.name}})
{{/operator}}
{{#evidence}}
- {{name}} oleh {{case.number}} {{missing_field}}
{{/evidence}}
