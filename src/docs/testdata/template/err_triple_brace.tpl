A {{{case.number}}}
