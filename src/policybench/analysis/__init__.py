"""Catalog-level computations every front end shares: ids and arrays in, frozen dataclasses out.

- :mod:`~policybench.analysis.rank`: a catalog ranked under weights and a method
  (:class:`~policybench.analysis.rank.Ranking`, with its provenance), SMAA of a catalog
  (:func:`~policybench.analysis.rank.smaa_catalog`, the one SMAA entry point) and every method
  side by side.
- :mod:`~policybench.analysis.screen`: which options are in play (the default set, and
  screening by requirements).
- :mod:`~policybench.analysis.weights`: weights as shares, slider positions, rank-order
  centroid or pairwise (AHP) weights.
- :mod:`~policybench.analysis.whatif`: one-way sensitivity, stability intervals and the nearest
  weights that put an option first.
- :mod:`~policybench.analysis.workshop`: a workshop's group result, computed once for the
  facilitator's page and for the exports, and the room model
  (:class:`~policybench.analysis.workshop.RoomModel`) every analysis of a room ranks through.
- :mod:`~policybench.analysis.contest`: contested scores and the ranking if the room is right;
  :mod:`~policybench.analysis.rounds`: a workshop's rounds and how the room converges.
- :mod:`~policybench.analysis.camps` (camps in a room, "you are here") and
  :mod:`~policybench.analysis.common_ground` (what every camp can live with, camps across rounds).

Nothing here builds labels, sentences or DataFrames (that is :mod:`policybench.present`), and
nothing imports pandas, Streamlit or the store: the UI, the CLI and the exporters call these
functions and format what they return.
"""
