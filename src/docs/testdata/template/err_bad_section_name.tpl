A {{#case number}}x{{/case number}}
