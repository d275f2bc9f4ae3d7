"""The ``symconv`` command line: argument parsing and dispatch only.

Each command lives in ``symconv/cli/commands/<name>.py`` with two functions:
``configure(parser)``, which declares its arguments and must not import sympy
(so ``symconv --help`` stays fast), and ``run(args) -> int``, which does the
work. Exit codes: 0 done, 1 a checked formula is wrong, 2 bad input or usage, 3 a
bug in symconv (one line asking for a report; ``SYMCONV_DEBUG=1`` adds the traceback).
Everything a command prints passes :func:`symconv.errors.escape_terminal`: a control
character from a user's file or name is shown, never obeyed by the terminal.

May import everything else; nothing imports it (but ``symconv.__main__``). Command
modules import their work inside ``run`` so that ``symconv --help`` does not load sympy.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
import traceback

from ..errors import InputError, escape_terminal

#: command -> one-line help. The module of the same name (``-`` as ``_``) implements it.
COMMANDS = {
    "layers": "list the layer catalog: name, description, symbols",
    "show": "a layer's params, MACs, FLOPs and output size as formulas",
    "ratio": "the simplified ratio of two layers' costs, with its limits",
    "eval": "a layer's params, MACs, FLOPs and output size as numbers",
    "check": "is a hand-derived formula right? compare it with the catalog's",
    "lint": "check every formula and worked example in Markdown notes",
    "net": "a network's per-layer table and totals (params, MACs, FLOPs), symbolic or numeric",
    "notes": "generate course notes (Markdown or LaTeX), one note per layer plus an index",
    "completion": "print a shell completion script: symconv completion bash|zsh|fish",
}

#: other words for a command (case does not matter either).
COMMAND_ALIASES = {"evaluate": "eval", "list": "layers", "catalog": "layers", "compare": "ratio",
                   "network": "net", "formula": "show", "verify": "check"}

FORMATS = ("text", "latex", "markdown", "json")
FORMAT_ALIASES = {"md": "markdown", "tex": "latex", "txt": "text", "plain": "text",
                  "unicode": "text", "pretty": "text"}


def word_type(what: str, words, aliases=None, hints=None):
    """An argparse ``type`` for a closed set of words: aliases and any case accepted, anything
    else refused with the nearest word (``--format md``, ``--quantity MACs``)."""
    from ..suggest import Words

    table = Words(what, words, aliases, hints)

    def convert(text: str) -> str:
        word = table.get(text)
        if word is None:
            raise argparse.ArgumentTypeError(table.unknown(text))
        return word

    convert.__name__ = what  # argparse names the type in some messages
    return convert

class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        line = escape_terminal(f"{self.prog}: error: {message} (see '{self.prog} --help')",
                               newlines=True)
        self.exit(2, line + "\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="symconv",
        description="Symbolic formulas for the cost of convolutional networks: parameters, "
                    "multiply-accumulates (MACs), FLOPs (= 2 MACs) and output sizes.",
        epilog="examples:\n"
               "  symconv ratio --dw-sep\n"
               "  symconv show conv --stride 2 --padding same\n"
               "  symconv eval conv D_in=8 D_out=32 K=5 W_in=128 H_in=128\n"
               "run 'symconv COMMAND --help' for a command's options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from ..version import __version__

    parser.add_argument("--version", action="version", version=f"symconv {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    for name, help_text in COMMANDS.items():
        module = importlib.import_module(f".commands.{name.replace('-', '_')}", __package__)
        sub = commands.add_parser(name, help=help_text, description=module.__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
        formats = getattr(module, "FORMATS", FORMATS)  # notes: markdown|latex; completion: none
        if formats:
            sub.add_argument("--format", choices=formats, default=formats[0],
                             type=word_type("format", formats, FORMAT_ALIASES,
                                            getattr(module, "FORMAT_HINTS", None)),
                             help=getattr(module, "FORMAT_HELP",
                                          "output format (default: text, unicode pretty-printing)"))
        module.configure(sub)
        sub.set_defaults(run=module.run)
    return parser


class _Escaped:
    """A text stream that shows control characters as escapes (tab and newline pass)."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(escape_terminal(text))

    def __getattr__(self, name):
        return getattr(self._stream, name)


#: Python's own errors that only a user's input can cause (a number past the 4,300-digit
#: limit of int/str conversion, nesting past the recursion limit, memory): exit 2.
def _input_failure(error: BaseException) -> str | None:
    if isinstance(error, RecursionError):
        return "the input nests too deeply to read"
    if isinstance(error, MemoryError):
        return "the input is too large: out of memory"
    if isinstance(error, ValueError) and "integer string conversion" in str(error):
        return "a number in the input has too many digits"
    return None


def main(argv: list[str] | None = None) -> int:
    """Run one ``symconv`` command; return its exit code (0, 1, 2, or 3 for a bug)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    try:
        if argv and not argv[0].startswith("-") and argv[0] not in COMMANDS:
            argv[0] = _command(parser, argv[0])
        args, extra = parser.parse_known_args(argv)
        # NAME=VALUE items after an option (`eval conv --padding valid D_in=8`) land here.
        if hasattr(args, "values") and all("=" in e and not e.startswith("-") for e in extra):
            args.values = list(args.values) + extra
        elif extra:
            _unrecognized(parser, args.command, extra)
    except SystemExit as stop:  # --help, or a usage error already printed
        return int(stop.code or 0)

    def fail(message: str, code: int) -> int:
        print(escape_terminal(f"symconv {args.command}: {message}", newlines=True),
              file=sys.stderr)
        return code

    stdout = sys.stdout
    sys.stdout = _Escaped(stdout)
    try:
        return int(args.run(args))
    except InputError as error:
        return fail(f"error: {error}", 2)
    except BrokenPipeError:  # `symconv ... | head`
        return 0
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except Exception as error:  # noqa: BLE001 - the one place every failure is turned into a line
        known = _input_failure(error)
        if known:
            return fail(f"error: {known}", 2)
        if os.environ.get("SYMCONV_DEBUG", "") not in ("", "0"):
            traceback.print_exc()
        return fail(f"internal error (a bug in symconv; please report it with the command "
                    f"line): {type(error).__name__}: {error}; SYMCONV_DEBUG=1 shows the "
                    f"traceback", 3)
    finally:
        sys.stdout = stdout


def _subparser(parser, command: str) -> argparse.ArgumentParser:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices[command]


def _command(parser, word: str) -> str:
    """A command by any case or alias (``Eval``, ``evaluate``); else a usage error that
    suggests one: the nearest command, or ``show`` for a layer name (``symconv conv2d``)."""
    from ..suggest import Words

    commands = Words("command", COMMANDS, COMMAND_ALIASES)
    found = commands.get(word)
    if found:
        return found
    guess = commands.suggestion(word)
    hint = f"did you mean 'symconv {guess}'? " if guess else ""
    if not guess:
        from ..layers import LAYER_NAMES  # sympy, on this error path only

        if word in LAYER_NAMES:
            hint = f"did you mean 'symconv show {LAYER_NAMES.get(word)}'? "
    known = f"commands: {', '.join(COMMANDS)}"
    parser.error(f"invalid choice: {word!r}; " + (f"{hint}({known})" if hint else known))


def _unrecognized(parser, command: str, extra: list[str]) -> None:
    """An unknown option is the subcommand's error, naming its help and the nearest option."""
    from ..suggest import close

    sub = _subparser(parser, command)
    options = [o for a in sub._actions for o in a.option_strings if o.startswith("--")]
    guesses = [g for e in extra if e.startswith("-") for g in close(e.split("=")[0], options)]
    hint = f"; did you mean {' or '.join(guesses)}?" if guesses else ""
    sub.error(f"unrecognized arguments: {' '.join(extra)}{hint}")


def entry() -> None:
    """The ``symconv`` script and ``python -m symconv``: :func:`main`, then exit at once.

    A command is one short process, so cyclic garbage is collected rarely (the default
    collects every 700 new objects, over and over while a deep network is walked), and
    once the answer is printed and flushed the process leaves with ``os._exit``: tearing
    down sympy's modules and objects, which the process is giving back to the system
    anyway, costs about 0.1 s (a third of ``import sympy``). Nothing is left unwritten:
    every file a command writes is closed before :func:`main` returns. The objects sympy
    makes while it is imported live as long as the process: ``gc.freeze`` moves them out
    of the collector's way (its first collections otherwise walk all of them, ~25 ms).
    """
    gc.set_threshold(100_000, 50, 100)
    argv = sys.argv[1:]
    if argv and not {"-h", "--help", "--version", "completion"} & set(argv):
        import sympy  # noqa: F401 - every command but these imports it; then set it aside:
        gc.freeze()  # the collector need not walk sympy's ~10^5 import-time objects again
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # `symconv ... | head`: the reader left, nothing more to say
        pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()
