{{pagebreak now}}
