"""The Streamlit script behind ``dibsim view``: two pages, What if and Compare.

Streamlit runs this file top to bottom on every interaction; the pages' work is cached
(``st.cache_data``) and the runs are cached on disk (:mod:`experiments.view.whatif`).
"""

from __future__ import annotations

import os

import streamlit as st
from dibsim.experiments.view import compare_page, whatif_page

#: The pages, in the order the sidebar lists them.
PAGES = {"What if": whatif_page.render, "Compare": compare_page.render}

st.set_page_config(page_title="dibsim view", layout="wide")
#: The page shown first: Compare when ``dibsim view RESULTS_DIR`` named a folder, else What if.
FIRST = os.environ.get("DIBSIM_VIEW_PAGE", "What if")
page = st.sidebar.radio("page", list(PAGES), key="page", horizontal=True,
                        index=list(PAGES).index(FIRST) if FIRST in PAGES else 0)
PAGES[page]()
