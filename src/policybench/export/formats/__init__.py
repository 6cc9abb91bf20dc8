"""One module per export format, each with ``render(report, ...)`` returning the file's content
(``str`` for the text formats, ``bytes`` for XLSX and PNG): :mod:`.csv`, :mod:`.json`,
:mod:`.markdown`, :mod:`.html`, :mod:`.xlsx` and :mod:`.image` (PNG and SVG). What they share —
how a number is written in a cell, the stamp as label and text — is :mod:`.common`; every
escaper is :mod:`policybench.present.text`.

Numbers people read are rounded where they read them: ranks as integers, the catalog's 0–10
scores as given, shares, weights and scores to three decimals (Markdown, HTML, CSV, and the
XLSX display formats, which keep the full number in the cell); JSON keeps full precision.
"""
