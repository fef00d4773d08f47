{{signature a.}}
