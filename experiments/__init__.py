"""dibsim experiments: sweeps, executors, the results store, analysis, plots and the CLI.

This layer sits above ``model/``: it may import the model, never the other way round.
"""
