"""Running the command line in-process, for the CLI tests of every module."""

from symconv.cli import main


def run(capsys, *argv):
    """``symconv ARGV`` through ``main``: (exit code, stdout, stderr)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err
