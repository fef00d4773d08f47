:: Nomor {{letter.number}}
