"""The analysis layer: statistics, comparisons, plots, sensitivity, discovery and the report.

It reads stored results folders only (``experiments.results_io``) and never runs the model.
One module per concept:

* :mod:`~experiments.analysis.stats` — interval statistics (pure functions);
* :mod:`~experiments.analysis.summary` — ``dibsim summary``;
* :mod:`~experiments.analysis.compare` — ``dibsim compare`` (paired by seed where possible);
* :mod:`~experiments.analysis.plots` and ``plots_*`` — ``dibsim plot`` (Agg backend);
* :mod:`~experiments.analysis.sensitivity` — ``dibsim sensitivity`` (SALib, EMA Workbench);
* :mod:`~experiments.analysis.discovery` — ``dibsim discover`` (EMA Workbench PRIM);
* :mod:`~experiments.analysis.report` — ``dibsim report`` (one self-contained HTML file);
* :mod:`~experiments.analysis.catalog` — metrics, units and the design of a folder;
* :mod:`~experiments.analysis.synthetic` — fabricated folders with known answers (tests).
"""
