ok
bell  here
