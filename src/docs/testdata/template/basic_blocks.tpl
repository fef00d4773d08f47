# LAPORAN INSIDEN SIBER
## A. Identitas
### Rincian
Baris pertama paragraf
bersambung di baris kedua.\
Baris setelah pemisah keras.

Paragraf **tebal** dan biasa.
- butir satu
lanjutan butir satu
- butir **dua**

3. ketiga
4. keempat
-> Tenggarong, 10 Juli 2025
-> TERBATAS <-
#tagar bukan judul
