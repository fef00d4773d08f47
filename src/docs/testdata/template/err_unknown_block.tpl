{{logo big}}
