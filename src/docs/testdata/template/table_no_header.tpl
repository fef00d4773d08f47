| a | b |
| c | d
