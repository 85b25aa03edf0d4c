"""``dibsim view``: a local Streamlit dashboard (What if, Compare) over the engine and the report.

Only :mod:`experiments.view.launch` is imported by the command line; it imports Streamlit
when the command runs, so the rest of ``dibsim`` never needs the ``view`` extra.
"""
