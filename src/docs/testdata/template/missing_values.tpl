{{case.number}} {{case.title}} {{case.number}} {{obj}}
{{#items}}{{label}}{{/items}}
{{signature}}
