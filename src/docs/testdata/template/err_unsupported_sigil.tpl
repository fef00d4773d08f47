x {{&raw}}
