A {{case..number}}
