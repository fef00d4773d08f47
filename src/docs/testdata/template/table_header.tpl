| No | Waktu | Kejadian |
|----|-------|----------|
| 1 | 08:00 | **Login** gagal |
| 2 | 08:05 |
