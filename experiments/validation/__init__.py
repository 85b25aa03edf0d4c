"""Validation: historical replays (``history``) and stylised facts (``facts``, on the toy
worlds of ``fact_worlds`` and on the shipped scenarios).
"""
