ok
bad ÿ byte
