Halo {{case.number
