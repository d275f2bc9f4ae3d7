"""Reading rules for notes the linter had never seen (the held-out corpus of issue lint3).

Each rule is tried on a small synthetic note twice: written right (ok, or at worst a note,
never wrong) and with one slip (wrong), so every test fails if the rule stops reading the
formula or reads it wrongly. The right values are the course's formulas, worked out by hand.
"""

import pytest

from symconv.lint.glossary import glossary, word_names
from symconv.lint.note import lint_text
from symconv.lint.notation import detect, prepare
from symconv.lint.scan import code_formula, scan
from symconv.lint.words import read_example


def verdicts(note: str) -> dict[int, set[str]]:
    """line -> the verdicts of the claims read on it."""
    out: dict[int, set[str]] = {}
    for f in lint_text(note, "n.md").claims:
        out.setdefault(f.line, set()).add(f.kind)
    return out


def right_and_wrong(right: str, wrong: str, line: int) -> None:
    """The right note is read on ``line`` and not flagged; the slip is flagged there."""
    ok = verdicts(right)
    assert "ok" in ok.get(line, set()) and "wrong" not in ok.get(line, set()), ok
    assert "wrong" in verdicts(wrong).get(line, set()), verdicts(wrong)


# ------------------------------------------------------------------ code blocks
def test_a_labelled_formula_in_a_code_block_is_read():
    note = "## Convolutional layer\n```bash\n  parameters=( F×F × C_in +1 ) × C_out\n```\n- F: filter size\n"
    right_and_wrong(note, note.replace("+1 ) × C_out", "+1 ) × C_in"), 3)


def test_code_that_is_not_a_formula_is_left_alone():
    assert code_formula("params = sum(p.numel() for p in model.parameters())") is None
    assert code_formula("output = x + residual") is None          # 'output' names anything in code
    assert code_formula("params = 1792") is None                   # a value, not a formula
    assert code_formula("# MACs = K*K*Cin*Cout*H*W") == ("macs", "K*K*Cin*Cout*H*W")


def test_a_plain_equation_in_the_notes_letters_is_read_in_a_code_block():
    note = ("## Convolution\n```\nf[l] = filter size\np[l] = padding\ns[l] = stride\n"
            "Where n[l] = (n[l-1] + 2p[l] - f[l])/s[l] + 1\n```\n")
    right_and_wrong(note, note.replace("- f[l])/s[l] + 1", "- f[l] / s[l]) + 1"), 6)
    assert prepare("2p[l] + n[l-1]") == "2p + n_prev"


# ------------------------------------------------------------------ the glossary
def test_glossary_reads_letters_copied_from_rendered_math_and_skips_zero_width_marks():
    assert glossary("- 𝐶_out: Number of output channels (or filters).") == {"C_out": "D_out"}
    assert glossary("\u200b- N_in: Number of input neurons.") == {"N_in": "D_in"}


def test_dense_layer_in_neurons():
    note = ("### Fully Connected (Dense) Layers\n```\n  parameters=( N_in + 1 ) × N_out\n```\n"
            "- N_in: Number of input neurons.\n- N_out : Number of output neurons.\n")
    right_and_wrong(note, note.replace("( N_in + 1 ) × N_out", "( N_in + 1 ) × N_in"), 3)


# ------------------------------------------------------------------ names that are words
def test_word_names_say_what_they_measure():
    assert word_names(r"$H_{Output} = H_{Input} - H_{Kernal} + 1$") == \
        {"H_{Output}": "H_out", "H_{Input}": "H_in", "H_{Kernal}": "K"}
    assert word_names(r"$\text{params} = \text{Output Size}$") == {r"\text{Output Size}": "W_out"}


def test_an_output_size_written_in_words_is_read():
    right = (r"$$\text{Output Size} = \left\lfloor \frac{\text{Input Size} - \text{Filter Size} "
             r"+ 2 \times \text{Padding}}{\text{Stride}} \right\rfloor + 1$$")
    right_and_wrong(right, right.replace(r"\right\rfloor + 1", r"\right\rfloor - 1"), 1)


def test_tex_over_is_a_fraction():
    right = "$$\nH_{Output}= {H_{Input} - H_{Kernal} + 2Padding \\over Stride} + 1\n$$"
    right_and_wrong(right, right.replace("2Padding", "Padding"), 2)
    right_and_wrong("$$H_{Output}={5 - 3 + 2 \\times 0 \\over 2}+1=2$$",
                    "$$H_{Output}={5 - 3 + 2 \\times 0 \\over 2}+1=3$$", 1)


# ------------------------------------------------------------------ LaTeX notes
TEX = r"""\chapter{Convolution arithmetic}
For any $i$ and $k$, and for $s = 1$ and $p = 0$,
\begin{equation*}
    o = (i - k) + 1.
\end{equation*}
"""


def test_latex_display_environments_are_read_in_dumoulins_notation():
    assert detect(TEX)[0] == "dumoulin"
    right_and_wrong(TEX, TEX.replace("(i - k) + 1", "(i - k) - 1"), 4)


def test_a_premise_before_a_display_block_makes_a_failing_check_a_note():
    """Full padding: o = i + (k - 1) holds for p = k - 1 only; the linter does not take the
    premise, so it may not say wrong (and without the premise it must)."""
    premise = TEX.replace("$s = 1$ and $p = 0$", "$p = k - 1$ and $s = 1$").replace("(i - k) + 1", "i + (k - 1)")
    assert "wrong" not in verdicts(premise).get(4, set())
    bare = premise.replace("For any $i$ and $k$, and for $p = k - 1$ and $s = 1$,", "The output size is")
    assert "wrong" in verdicts(bare).get(4, set())


def test_a_latex_heading_names_the_layer():
    tex = TEX.replace(r"\chapter{Convolution arithmetic}", r"\section{Transposed convolution}")
    tex = tex.replace("o = (i - k) + 1.", "o' = i' + (k - 1).")
    right_and_wrong(tex, tex.replace("i' + (k - 1)", "i' - (k - 1)"), 4)


def test_a_display_block_is_reported_at_its_first_line_with_a_formula():
    note = "## Convolution\nThe size:\n$$\n\\begin{aligned}\nW_{out} = W_{in} - K + 1\n\\end{aligned}\n$$\n"
    assert [f.line for f in scan(note)] == [5]


# ------------------------------------------------------------------ readings that avoid false alarms
def test_weights_with_their_biases_are_not_wrong():
    note = "## Convolution\n- weights = $K*K*C_{in}*C_{out} + C_{out}$\n"
    assert "wrong" not in verdicts(note).get(2, set())
    assert "wrong" in verdicts(note.replace("+ C_{out}", "+ 2*C_{out}")).get(2, set())


def test_several_equations_in_one_formula_and_same_padding():
    right = "## Convolution\n$$W_{out}=W_{in}/S_{w},H_{out}=H_{in}/S_{h}$$\n"
    assert verdicts(right).get(2) == {"ok"}
    assert "wrong" in verdicts(right.replace("H_{in}/S_{h}", "H_{in}/S_{h} + 1")).get(2, set())


def test_a_formula_over_g_is_a_grouped_layer_and_lowercase_channels_read():
    note = "## Group 卷积\n- Params = $(k^2 c_{in}/g + 1) c_{out}$\n"
    right_and_wrong(note, note.replace("c_{in}/g + 1) c_{out}", "c_{in} + 1) c_{out}/g"), 2)


@pytest.mark.parametrize("text", [r"o = (i - k) + 1", r"o' = i' + (k - 1)", r"o = \left\lfloor \frac{i + 2p - k}{s}"])
def test_dumoulins_notation_is_detected(text):
    assert detect(f"$${text}$$")[0] == "dumoulin"


def test_other_notes_are_not_read_in_dumoulins_notation():
    assert detect("$$O = (W - K + 2P)/S + 1$$")[0] is None
    assert detect("so = (x - 1)")[0] is None


# ------------------------------------------------------------------ shapes without channels
def test_a_width_by_height_input_and_output_in_prose():
    right = "For a 7x7 input and a 3x3 filter with stride 1 and pad 0 we would get a 5x5 output.\n"
    right_and_wrong(right, right.replace("a 5x5 output", "a 4x4 output"), 1)
    zh = "我们可以在4x4的图片上，用一个3x3的卷积核，通过卷积运算得到一个2x2的图片。\n"
    right_and_wrong(zh, zh.replace("得到一个2x2", "得到一个3x3"), 1)


def test_a_kernel_written_as_width_by_height_does_not_break_the_flow():
    note = ("Input: 32x32x3. A conv with 6 filters of size 5x5 and stride 1, then a 2x2 window.\n"
            "Output: 28x28x6\n")
    assert verdicts(note).get(2) == {"ok"}
    assert "wrong" in verdicts(note.replace("28x28x6", "27x27x6")).get(2, set())


# ------------------------------------------------------------------ the glossary, more forms
@pytest.mark.parametrize("line, expected", [
    ("$W, H$：输入宽、高", {"W": "W_in", "H": "H_in"}),
    ("where W and H are the input width and height", {"W": "W_in", "H": "H_in"}),
    ("H, W 分别为输出的高和宽", {"H": "H_out", "W": "W_out"}),
    ("$W, H$：输入宽", {}),                                   # two letters, one meaning: no guess
    ("上面的卷积过程，输入通道数为$M$，输出通道数为$N$，大小为$H\\times W$", {"M": "D_in", "N": "D_out"}),
    ("where n is the input size, f the filter size and p the padding", {"n": "W_in", "f": "K", "p": "P"}),
])
def test_glossary_reads_letters_defined_together_and_chinese_meaning_first(line, expected):
    assert glossary(line) == expected


def test_letters_defined_together_check_a_formula():
    note = "## Convolution\n$W, H$：输入宽、高；$K$：卷积核大小\n\n输出大小：$W_{out} = W - K + 1$\n"
    right_and_wrong(note, note.replace("W - K + 1", "W - K - 1"), 4)


# ------------------------------------------------------------------ numbers and code names
def test_a_thousands_point_is_a_reading_too():
    right = "the number of calculations is (3 x 3 x 3) x (10 x 10) x 5 = 13.500 operations\n"
    right_and_wrong(right, right.replace("13.500", "13.600"), 1)


def test_snake_case_names_in_code_and_an_fc_heading():
    note = ("> * conv\n```\nflops = 2 * channel_in * channel_out * kernel_size * kernel_size * H_output * W_output\n```\n"
            "> * fc\n```\nparams = (channel_in + 1) * channel_out\n```\n")
    right_and_wrong(note, note.replace("(channel_in + 1) * channel_out", "channel_in * channel_out + 1"), 7)
    assert verdicts(note).get(3) == {"ok"}
    assert "wrong" in verdicts(note.replace("flops = 2 * ", "flops = 4 * ")).get(3, set())


# ------------------------------------------- labels outside the math, examples in Chinese
# The conv below: input 32x32x64, 128 filters of 3x3: params 3*3*64*128 + 128 = 73,856,
# weights 73,728, MACs 30*30*128*(3*3*64) = 66,355,200 (valid padding), FLOPs 132,710,400.
_EXAMPLE = "# Convolution\n\nInput: 32x32x64, filter 3x3, 128 filters.\n\n"


def test_a_label_outside_the_math_is_no_empty_formula():
    """'Params $= 3 \\times ... = 73856$': the label stands before the '$'; no 'cannot parse $$'."""
    note = _EXAMPLE + "Params $= 3 \\times 3 \\times 64 \\times 128 + 128 = 73856$\n"
    right_and_wrong(note, note.replace("= 73856$", "= 73756$"), 5)
    assert not any("cannot parse $$" in f.message for f in lint_text(note, "n.md").claims)


@pytest.mark.parametrize("example", [
    "输入 $32 \\times 32 \\times 64$，卷积核 $3 \\times 3$，输出通道 128。",
    "输入：32x32x64，卷积核 3x3，128 个卷积核",
    "输入特征图为 32×32×64，卷积核大小为 3×3，输出通道数为 128，步长为 1，填充为 0",
])
def test_a_worked_example_written_in_chinese_fixes_the_numbers(example):
    note = f"# 卷积\n\n{example}\n\n参数量 = 73856\n"
    right_and_wrong(note, note.replace("73856", "73865"), 5)


@pytest.mark.parametrize("claim, convention", [
    ("Params: 73728", "weights only (no bias)"),                     # weights without biases
    ("FLOPs: 66355200", "FLOPs counted as multiply-accumulates"),    # FLOPs = MACs
    ("Weights: 73856", "weights counted with their biases"),
])
def test_a_worked_number_under_another_convention_is_a_note_naming_it(claim, convention):
    found = [f for f in lint_text(_EXAMPLE + claim + "\n", "n.md").claims if f.line == 5]
    assert [f.kind for f in found] == ["note"] and convention in found[0].message
    slip = claim[:-1] + str(int(claim[-1]) + 1)    # one unit off: no convention explains it
    assert [f.kind for f in lint_text(_EXAMPLE + slip + "\n", "n.md").claims if f.line == 5] \
        == ["wrong"]


@pytest.mark.parametrize("line", ["FLOPs = 2 MACs = 132710400", "FLOPs = 2 x MACs = 132,710,400",
                                  "FLOPs = 2 × MACs = 132710400"])
def test_a_quantity_word_inside_a_product_is_no_label(line):
    """'FLOPs = 2 x MACs = 132,710,400' claims neither FLOPs = 2 nor MACs = 132,710,400: it
    claims FLOPs = 132,710,400 (2 x 66,355,200), checked; one unit off is wrong."""
    assert verdicts(_EXAMPLE + line + "\n")[5] == {"ok"}
    slip = line.replace("132710400", "132710401").replace("132,710,400", "132,710,401")
    assert verdicts(_EXAMPLE + slip + "\n")[5] == {"wrong"}
    assert 5 not in verdicts(_EXAMPLE + "FLOPs = 2 x MACs = 132.7 million\n")   # rounded
    assert verdicts(_EXAMPLE + "MACs = 66355200\n")[5] == {"ok"}
    assert verdicts(_EXAMPLE + "MACs = 132710400\n")[5] == {"wrong"}


# ------------------------------------- arithmetic chains in d2l's notebooks (outside the corpus)
@pytest.mark.parametrize("right, slip", [
    ("where the $6 = 3 \\times 2 = 3!$ comes from", "where the $3 \\times 2 = 5 = 3!$ comes from"),
    ("$- \\log \\left( \\frac{1}{2^4} \\right) = 4$ bits, and $\\frac{1}{2^4} = 0.0625$",
     "$- \\log \\left( \\frac{1}{2^4} \\right) = 4$ bits, and $\\frac{1}{2^4} = 0.0626$"),
    ("up to $2 \\cdot 10^9 \\cdot 16 \\cdot 32 = 10^{12}$ bytes per second",      # 1.024e12
     "up to $2 \\cdot 10^9 \\cdot 16 \\cdot 32 = 10^{13}$ bytes per second"),
])
def test_a_factorial_a_function_argument_and_a_magnitude_are_no_false_alarm(right, slip):
    """3! is not 3; the operand of \\log is not the left side; 10^{12} is a magnitude (one
    significant figure: 1.024e12 rounds to it). A real slip on the same line is still found."""
    assert "wrong" not in verdicts(right + "\n").get(1, set())
    assert "wrong" in verdicts(slip + "\n").get(1, set())


# ------------------------------------------------ names code writes for sizes (TensorFlow's)
def test_code_names_for_sizes_and_an_output_side_are_read():
    """in_height, filter_height, out_height name what they are (TensorFlow's documentation);
    new_height / out_width label an output size; 'an input of shape', 'filters of shape',
    'a stride of 2', 'padding of size 1' state a worked example."""
    note = ("# Convolution\n\nWe have an input of shape 32x32x3, 20 filters of shape 8x8x3,\n"
            "a stride of 2 and padding of size 1.\n\n```python\n"
            "new_height = (input_height - filter_height + 2 * P)/S + 1\n"
            "out_width = (in_width - filter_width + 2 * P)/S + 1\n```\n")
    right_and_wrong(note, note.replace("+ 2 * P)/S + 1\nout", "+ P)/S + 1\nout"), 7)
    right_and_wrong(note, note.replace("filter_width + 2", "filter_width + 3"), 8)
    example = {}
    for line in note.splitlines()[2:4]:
        example = read_example(line, example)
    assert example == {"W_in": 32, "H_in": 32, "D_in": 3, "W_F": 8, "H_F": 8, "D_out": 20,
                       "stride": 2, "padding": 1}
