"""What people read, built once for every front end: labels, sentences, tables (one schema)
and chart specs, and every escaper.

- :mod:`~policybench.present.text`: every escaper (Streamlit Markdown and widget labels,
  Markdown files, HTML, spreadsheet cells) and text folding.
- :mod:`~policybench.present.labels`: names of methods, options, criteria and clusters, shares,
  rank movements, small numbers in words and participants' numbers as people read them.
- :mod:`~policybench.present.tables`: the ranking table (the one schema the command line, the
  exports and the Rank page share), the comparison, criteria, quotes and SMAA tables.
- :mod:`~policybench.present.compare`, :mod:`~policybench.present.robustness`,
  :mod:`~policybench.present.evidence`, :mod:`~policybench.present.workshop`,
  :mod:`~policybench.present.contest` (contested scores, rounds),
  :mod:`~policybench.present.camps` (camp cards, common ground): the tables and
  sentences of those pages (and of the workshop's export).
- :mod:`~policybench.present.charts`: Vega-Lite specs, built with Altair.

Everything here takes what :mod:`policybench.analysis` computes (and the catalog, for names)
and returns strings, pandas DataFrames or chart specs. Nothing imports Streamlit, touches the
store or writes files.
"""
