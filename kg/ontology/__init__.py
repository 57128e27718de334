"""The vocabulary every stage shares: classes, properties and extraction hints.

It is read from the Turtle files in ``ontology/`` (the single source of truth) by
:mod:`kg.ontology.schema`; :mod:`kg.ontology.labelmap` maps another data set's labels
(CoNLL04's, say) onto it. This package sits below every stage of the flow.
"""
