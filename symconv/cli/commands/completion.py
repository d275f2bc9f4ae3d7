"""Print a shell completion script, generated from symconv's own argument parser.

examples:
  symconv completion bash > ~/.local/share/bash-completion/completions/symconv
  symconv completion zsh > ~/.zfunc/_symconv        (or: source <(symconv completion zsh))
  symconv completion fish > ~/.config/fish/completions/symconv.fish
"""

from __future__ import annotations

FORMATS = ()  # prints a script, in the shell's own language


def configure(parser) -> None:
    parser.add_argument("shell", metavar="SHELL", choices=("bash", "zsh", "fish"),
                        help="bash, zsh or fish")


def run(args) -> int:
    from .. import build_parser
    from ..completion import SHELLS

    print(SHELLS[args.shell](build_parser()), end="")
    return 0
