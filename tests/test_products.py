"""symconv.products.times builds exactly the expression sympy's ``*`` builds."""

import sympy
from hypothesis import given, settings, strategies as st

from symconv.products import times
from symconv.symbols import SYMBOLS, D_in, H, K, W

ALPHA = SYMBOLS["alpha"]
FACTORS = [W, H, D_in, K, ALPHA, sympy.ceiling(W / 2), sympy.floor((H - 1) / 3),
           sympy.floor(W / 4) + 1, W**2, sympy.sqrt(W), 2**W, W + 1, sympy.Rational(3, 2),
           sympy.Integer(-2), sympy.sqrt(2), sympy.pi, sympy.floor(24 * ALPHA), sympy.Max(W, 3)]

numbers = st.one_of(st.integers(-10**12, 10**12), st.integers(-50, 50).map(sympy.Integer),
                    st.tuples(st.integers(-9, 9), st.integers(1, 9)).map(
                        lambda pq: sympy.Rational(*pq)))
products = st.lists(st.sampled_from(FACTORS), max_size=4).map(lambda fs: sympy.Mul(*fs))


@settings(max_examples=500, deadline=None)
@given(numbers, products)
def test_same_expression_as_sympy(number, product):
    for a, b in ((number, product), (product, number)):
        want = sympy.sympify(a) * sympy.sympify(b)
        got = times(a, b)
        assert got == want and got.args == want.args and sympy.srepr(got) == sympy.srepr(want)
        assert hash(got) == hash(want)


def test_expressions_on_both_sides_multiply_as_usual():
    assert times(W + 1, H) == (W + 1) * H
    assert times(D_in * K, W) == D_in * K * W
