"""The draw's rules: the aggregate that takes a draw's steps in order (over `hrss.drawkit`) and its refusals."""
