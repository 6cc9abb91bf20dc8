"""``python -m policybench.cli``: the ``policybench`` command, for a Python without the console
script on its path (the tests and benchmarks start the server this way)."""

from policybench.cli import main

main()
