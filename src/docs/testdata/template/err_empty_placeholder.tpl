Baris satu
Halo {{ }}
