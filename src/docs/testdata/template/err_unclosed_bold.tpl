Ini **tebal tanpa akhir
