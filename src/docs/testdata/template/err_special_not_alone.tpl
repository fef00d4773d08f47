Tanda tangan: {{signature}}
