"""Reading notes as people write them: numbers, plain arithmetic, chains, totals, the judge.

Every table here is independent of the corpus: the expected values are worked out by hand
(and by Python's own integers) in the table itself.
"""

from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from symconv.lint.arith import NotArithmetic, evaluate
from symconv.lint.chains import chains
from symconv.lint.judge import judge
from symconv.lint.note import lint_text
from symconv.lint.source import clean, read_lines
from symconv.lint.written import read_number

# ------------------------------------------------------------------ number forms
NUMBERS = [  # text, value, unit of the last significant digit
    ("2.4M", 2_400_000, 100_000),
    ("2.5 Mil", 2_500_000, 100_000),
    ("1.2 million", 1_200_000, 100_000),
    ("4.1 GFLOPs", 4_100_000_000, 100_000_000),
    (r"2.4 \times 10^{6}", 2_400_000, 100_000),
    ("2.4e6", 2_400_000, 100_000),
    ("1,28,800", 128_800, 1),
    ("924,844,032", 924_844_032, 1),
    ("100K", 100_000, 100_000),
    ("16.8M", 16_800_000, 100_000),
    ("120 Mil", 120_000_000, 10_000_000),
    ("3 GB", 3_000_000_000, 1_000_000_000),
    ("1.6兆", 1_600_000, 100_000),
    ("2万", 20_000, 10_000),
    ("20.78", Fraction(2078, 100), Fraction(1, 100)),
    ("6432", 6432, 1),
]


@pytest.mark.parametrize("text, value, unit", NUMBERS)
def test_number_forms(text, value, unit):
    w = read_number(text)
    assert (w.value, w.unit) == (value, unit)


@pytest.mark.parametrize("text", ["2.4m", "1,2345", "abc", "12.", "x3"])
def test_not_numbers(text):
    assert read_number(text) is None


def test_a_figure_covers_what_rounds_or_truncates_to_it():
    assert read_number("2.4 Mil").covers(2_408_448)
    assert not read_number("2.5 Mil").covers(2_408_448)      # mbadry1's real slip
    assert read_number("800K").covers(802_816)              # trailing zeros are not significant
    assert read_number("8.80").covers(Fraction(926425600, 105303040))
    assert not read_number("6432").covers(6433)              # a bare integer is exact
    assert read_number("1.6兆").covers(1_605_632)             # 兆: mega here, tera elsewhere


@given(st.integers(1, 10**12), st.integers(0, 4))
def test_rounding_a_right_value_never_gives_wrong(n, digits):
    """Round (half up), or truncate, n to `digits` significant figures in M: never wrong."""
    for scaled in (Fraction(n, 10**6),):
        q = Fraction(1, 10**digits)
        for written in (round(scaled / q) * q, (scaled // q) * q):
            text = f"{float(written):.{digits}f}M"
            w = read_number(text)
            assert w is not None and w.covers(n), (n, text)


@given(st.integers(2, 10**6), st.integers(2, 10**3))
def test_changing_one_factor_always_gives_wrong(a, b):
    text = f"{a} * {b} = {a * (b + 1)}"
    (claim,) = chains(text, 1)
    assert judge(claim).verdict == "wrong"
    (claim,) = chains(f"{a} * {b} = {a * b:,}", 1)
    assert judge(claim).verdict == "ok"


# ------------------------------------------------------------------ plain arithmetic
ARITH = [
    ("28 * 28 * 16 * 1 * 1 * 192", [2_408_448]),
    ("(6x16x5x5)+6", [2406]),
    (r"3 \times 3 \times 64 \times 112", [64512]),
    ("3 × 3 × 1 x 28 × 28 × 256", [1_806_336]),
    ("(5 5 + 1) 6 28 28", [122_304]),
    ("32(5*5*8+1)", [6432]),
    (r"\frac{672}{2160}", [Fraction(672, 2160)]),
    ("10^6 \\times 10^3", [10**9]),
    ("2∗3∗3/5∗5", [18, Fraction(18, 25)]),      # both readings of a/b*c
    ("(120 + 1) x84", [10164]),
]


@pytest.mark.parametrize("text, values", ARITH)
def test_plain_arithmetic(text, values):
    assert list(evaluate(text).values) == values


@pytest.mark.parametrize("text", ["x + 1", "2 ** 1000", "1/0", "f(3)", "(2", "2 +"])
def test_not_plain_arithmetic(text):
    with pytest.raises(NotArithmetic):
        evaluate(text)


# ------------------------------------------------------------------ chains in text
CHAINS = [  # line as written, verdict of its one claim
    ("`(3x3x3x10) + 10 = 280`", "ok"),
    ("(6x16x5x5)+6 = 2416", "wrong"),
    ("`28 * 28 * 16 * 1 * 1 * 192 = 2.5 Mil`", "wrong"),
    ("`28 * 28 * 16 * 1 * 1 * 192 = 2.4 Mil`", "ok"),
    (r"there are 55\*55\*96 = 290,400 neurons", "ok"),
    ("Output featuremap size: 28 * 28 (32-5 + 1) = 28", "ok"),        # the (32-5+1) reading
    ("Number of connections: (5 5 + 1) 6 28 28 = 122304", "ok"),
    ("Number of connections: (5 5 + 1) 6 28 28 = 122300", "note"),    # a juxtaposition: a guess
    ("height = (50-3)/2+1 = 24.5，卷积向下取整，所以 height=24.", "ok"),
    ("只有后者的 2∗3∗3/5∗5=0.72。", "ok"),
    ("５×5×3×16+16=1216个", "ok"),
    ("３×5×3×16+16=1216个", "wrong"),
    ("$665/32=20.78$", "ok"),
    ("memory:  224*224*64=3.2M   weights: (3*3*3)*64 = 1,728", "ok"),
    ("$2 \\times 3 = 6 = 7$", "wrong"),
    ("$$\\frac{672}{2160} \\approx 0.31$$", "ok"),
    ("| params | $8 (5 \\cdot 5 + 1) + 32 (8 + 1)$ | 496 |", "ok"),
    ("input = 3 × 3 × 3 × 112 × 112 × 32 = 10,838,016(96.42%)", "ok"),
]


@pytest.mark.parametrize("line, verdict", CHAINS)
def test_chains_as_written(line, verdict):
    claims = [c for c in chains(read_lines(line)[0].text, 1) if c.readings]
    assert claims, line
    assert judge(claims[0]).verdict == verdict


@pytest.mark.parametrize("line", [
    "f1 = 3, s1 = 1, p1 = 0", "n = 6, f = 3, and p = 1", "a3 = 7x7x40", "$\\max(0, 1, 3, 4)=4$",
    "x = torch.rand(5, 10, 50, 50)", "acc_sum += 1", "if a == 3:", "Stride = 1", "$f(x)=2x$",
    "$(W - F + 2P)/S + 1 = 3$", "p = (f-1) / 2",
])
def test_not_claims(line):
    assert [c for c in chains(clean(line), 1) if c.readings] == []


def test_totals_add_the_values_computed_above():
    note = ("```\ninput = 3 × 3 × 3 × 112 × 112 × 32 = 10,838,016\noutput = 112 × 112 × 32 = 401,408\n"
            "weights = 3 × 3 × 3 × 32 + 32 = 896\ntotal = 11,240,320\n```\n")
    assert [(f.line, f.kind) for f in lint_text(note).claims][-1] == (5, "ok")
    wrong = note.replace("11,240,320", "11,204,320")
    (finding,) = lint_text(wrong).findings
    assert finding.line == 5 and finding.kind == "wrong" and "11,240,320" in finding.message


def test_a_total_counts_the_exact_parts_not_their_rounded_figures():
    note = ("- For the first Conv: `28 * 28 * 16 * 1 * 1 * 192 = 2.4 Mil`\n"
            "- For the second Conv: `28 * 28 * 32 * 5 * 5 * 16 = 10 Mil`\n"
            "- So the total number are 12.4 Mil approx.\n")
    assert [f.kind for f in lint_text(note).claims] == ["ok", "ok", "ok"]
    assert lint_text(note.replace("12.4 Mil", "12.5 Mil")).wrong == 1


def test_json_lists_every_claim(capsys):
    import json

    from symconv.cli import main

    path = __import__("pathlib").Path(__file__).parent / "notes" / "convolution_right.md"
    assert main(["lint", "--format", "json", str(path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] == len(data["claims"]) > 5 and data["findings"] == []
    assert {"line", "text", "reading", "verdict", "message"} <= set(data["claims"][0])


def test_show_ok_prints_the_claims_that_hold(capsys):
    from symconv.cli import main

    path = __import__("pathlib").Path(__file__).parent / "notes" / "convolution_right.md"
    assert main(["lint", "--show-ok", str(path)]) == 0
    out = capsys.readouterr().out
    assert ": ok: " in out and "read as" in out


def test_an_option_in_a_code_span_before_the_formula_holds_for_it():
    # TensorFlow's "same" max-pooling: ceil(W/S), written without the ceiling (exact when S
    # divides W); with the option unread it would be compared with valid padding and be wrong
    note = ("# Max pooling\n\n- `padding = valid`: output $N = (W_{in} - K)/S + 1$\n"
            "- `padding = same`: output $N = W_{in}/S$\n")
    result = lint_text(note, "pool.md")
    assert [(c.line, c.kind) for c in result.claims] == [(3, "ok"), (4, "ok")]
    wrong = lint_text(note.replace("`padding = same`", "`padding = valid`"), "pool.md")
    assert [(c.line, c.kind) for c in wrong.claims][1] == (4, "wrong")
