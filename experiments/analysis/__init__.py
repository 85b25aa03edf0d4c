"""The analysis layer: statistics, comparisons, plots, sensitivity, discovery and the report.

It reads stored results folders only (``dibsim.experiments.engine.results``) and never runs the model.
One module per concept:

* :mod:`~dibsim.experiments.analysis.stats` — interval statistics (pure functions);
* :mod:`~dibsim.experiments.analysis.summary` — ``dibsim summary``;
* :mod:`~dibsim.experiments.analysis.compare` — ``dibsim compare`` (paired by seed where possible);
* :mod:`~dibsim.experiments.analysis.plots` (a subpackage) — ``dibsim plot`` (Agg backend);
* :mod:`~dibsim.experiments.analysis.sensitivity` — ``dibsim sensitivity`` (SALib, EMA Workbench);
* :mod:`~dibsim.experiments.analysis.discovery` — ``dibsim discover`` (EMA Workbench PRIM);
* :mod:`~dibsim.experiments.analysis.report` — ``dibsim report`` (one self-contained HTML file);
* :mod:`~dibsim.experiments.analysis.catalog` — metrics, units and the design of a folder;
"""
