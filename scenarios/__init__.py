"""The shipped scenario files (package data): ``baseline.yaml``, its reform and contingency
variants, the sweep example and the historical replays under ``historical/``.

Read them by name through :func:`dibsim.load_scenario` (``"baseline"``,
``"historical/us_155mm_2022"``); the loader finds them with ``importlib.resources``.
"""
