:: Nomor    | {{letter.number}}
:: Sifat    | **Segera**
:: Lampiran | {{letter.attachments}}
:: Hal      | {{letter.subject}}
