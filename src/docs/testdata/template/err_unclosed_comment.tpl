x {{! never closed
more
