"""Environment variables that more than one layer reads, one constant each, importable
without loading anything else (the command line declares its options with them at import
time)."""

from __future__ import annotations

#: The folder of the source texts the catalog cites, against which the app checks challenge
#: quotes (``policybench serve --sources DIR`` sets it; :func:`policybench.catalog.
#: read_source_texts` reads the texts by the loader's rules).
SOURCES_ENV = "POLICYBENCH_SOURCES"
