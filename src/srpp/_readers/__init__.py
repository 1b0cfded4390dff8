"""Readers of outside formats: contract documents (and, in time, published notices).

Each reader turns what it reads into the pure domain model of :mod:`srpp._model`; nothing
here evaluates rules or writes output.
"""
