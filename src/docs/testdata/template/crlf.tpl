# Judul
Baris.
