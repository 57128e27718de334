"""Measuring and learning: gold data, scores against it, and training extractors.

It sits beside the other uses of the flow: it runs extraction (:mod:`kg.extract`) and
never builds graphs.
"""
