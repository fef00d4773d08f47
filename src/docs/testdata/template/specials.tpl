{{letterhead}}
Isi.
{{pagebreak}}
  {{qr}}
{{signature}}
{{signature verifier approver}}
{{signature signer nodate noqr}}
