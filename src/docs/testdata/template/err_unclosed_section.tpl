x
{{#a}}
{{#b}}
isi
{{/b}}
