"""The experiment engine: plan (designs, seeds), execute (worker, executors, runner) and store
(results folder, manifest, progress). Analysis reads what it stores; it never runs the model.
"""
