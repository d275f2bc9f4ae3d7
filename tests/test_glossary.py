"""A note's own letters: definitions read by symconv.lint.glossary, labelled by hand.

Each case is a definition written in one of the forms notes use (a list, a quote, a
sentence; English and Chinese), with the course symbol a reader would give it; the lint
cases are short notes whose formula is right or has one planted slip, labelled by the
arithmetic in the comment.
"""

import pytest

from symconv.lint.glossary import glossary, meaning
from symconv.lint.note import lint_text

DEFINITIONS = [
    ("Input size: n", {"n": "W_in"}),
    ("- Convolutional filter size: f", {"f": "K"}),
    ("> 卷积核大小：$f \\times f$", {"f": "K"}),
    ("> 步幅（strides）：$s$", {"s": "S"}),
    ("+ 输入图片大小 `W×W`（默认输入尺寸为正方形）", {"W": "W_in"}),
    ("+ padding的像素数 `P`", {}),                         # P is already the padding
    ("- Kernel Size ``K``: 4", {}),                       # K is already the kernel: nothing to add
    ("- Input Size ``I``: 64", {"I": "W_in"}),
    ("O - output height\\width", {"O": "W_out"}),
    ("where $n_H$ is the height of the input and $n_C$ the number of channels of the input",
     {"n_H": "H_in", "n_C": "D_in"}),
    ("Let f be the filter size and p the padding.", {"f": "K", "p": "P"}),
    ("* $C_{out}$：输出通道数", {"C_{out}": "D_out"}),
    ("其中$C_{in}$为输入通道数，$k$表示卷积核的大小", {"C_{in}": "D_in", "k": "K"}),
    ("- $M$: number of filters", {"M": "D_out"}),
    ("|Number of filters|$F$|", {"F": "D_out"}),            # a two-column table row
    ("| $n_c$ | number of channels of the input |", {"n_c": "D_in"}),
    # not definitions
    ("S = 2", {}),
    ("- K: 3", {}),
    ("n is the number of layers", {}),
    ("with a stride of 2 and same padding", {}),
    ("m = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)", {}),
    ("```\nf: filter size\n```", {}),                      # code, not prose
]


@pytest.mark.parametrize("text, letters", DEFINITIONS, ids=[d[0][:30] for d in DEFINITIONS])
def test_each_definition_is_read_as_labelled(text, letters):
    assert {k: v for k, v in glossary(text).items() if k != v} == letters


def test_a_letter_with_two_meanings_is_left_out():
    assert glossary("- n: input size\n- n: number of filters\n- s: stride") == {"s": "S"}


@pytest.mark.parametrize("words, name", [
    ("input width", "W_in"), ("output height", "H_out"), ("the filter size", "K"),
    ("receptive field", "K"), ("number of filters", "D_out"), ("输入通道数", "D_in"),
    ("步长", "S"), ("padding", "P"), ("dilation rate", "d"), ("groups", "g"),
    ("the weights", None), ("input", None), ("stride and padding", None)])
def test_meaning_of_words(words, name):
    assert meaning(words) == name


GLOSSARY_NOTE = """# Output size

Input size: n

Filter size: f

Padding: p

Stride: s

Output size: $\\lfloor \\frac{{n + {two}p - f}}{{s}} \\rfloor + 1$
"""


def test_a_note_in_its_own_letters_is_checked():
    right = lint_text(GLOSSARY_NOTE.format(two="2"), "n.md")   # floor((n + 2p - f)/s) + 1
    assert [(f.line, f.kind) for f in right.claims] == [(11, "ok")]
    slip = lint_text(GLOSSARY_NOTE.format(two=""), "n.md")     # the padding counted once
    assert [(f.line, f.kind) for f in slip.claims] == [(11, "wrong")]
    assert "padding is counted once" in slip.claims[0].message


def test_without_its_glossary_the_same_formula_is_not_judged():
    note = GLOSSARY_NOTE.format(two="").split("Input size")[0] + \
        "Output size: $\\lfloor \\frac{n + p - f}{s} \\rfloor + 1$\n"
    assert not [f for f in lint_text(note, "n.md").claims if f.kind != "note"]


TERMINOLOGY = """## Terminology
W: input size
F: filter size / kernel size
S: stride
P: padding size on the border
O: output size
O = (W + 2P − F) / S + 1
O = (W + P − F) / S + 1
S = 2
Q = (W + 2P − F) / S + 1
"""


def test_a_plain_text_equation_over_the_notes_letters_is_checked():
    # line 7: (W + 2P - F)/S + 1 is the output size when S divides (right);
    # line 8: the padding counted once (wrong); line 9 sets a value; line 10 uses an
    # undefined name (Q): neither is a claim
    claims = [(c.line, c.kind) for c in lint_text(TERMINOLOGY, "t.md").claims]
    assert claims == [(7, "ok"), (8, "wrong")]
