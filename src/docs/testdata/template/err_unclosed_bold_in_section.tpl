ok
{{#items}}
- **{{name}}
{{/items}}
