"""Glossary: the terms the workbench uses, in plain words, each with where it appears.

Each term has its own anchor (``glossary#smaa``), and the same definitions are the help beside
each term where it appears (:mod:`policybench.present.glossary`).
"""

from __future__ import annotations

import streamlit as st

from policybench.present.glossary import TERMS
from policybench.ui.components.errors import guarded
from policybench.ui.components.text import note


@guarded
def body() -> None:
    for term in TERMS:
        st.subheader(term.name, anchor=term.id)
        st.markdown(term.definition)
        note(f"Where: {term.where}.")


def main() -> None:
    st.title("Glossary", anchor=False)
    note(
        "The words the workbench uses, in plain terms. The same definitions appear beside each "
        "term where it is used (the ? icons)."
    )
    body()


if __name__ == "__main__":
    main()
