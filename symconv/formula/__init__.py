"""Reading a user's formula safely: a lexer, the notations and aliases that name symbols,
and a parser into sympy objects: user text is data, nothing in it is evaluated.

May import the core only (``errors``, ``symbols``).
"""
