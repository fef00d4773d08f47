{{signature a b c}}
