"""``python -m benchmarks.app``: see :mod:`benchmarks.app.run`."""

from benchmarks.app.run import main

raise SystemExit(main())
