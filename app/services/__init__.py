"""The domain layer: one function per action, shared by the web pages, API v1 and Conduit.

Each action checks who may do it, validates what it is given, survives the same request arriving twice at once,
commits, and returns the result or raises one of the errors in ``app.exceptions``. The interfaces only parse
input, call an action and render its answer in their own shape.
"""
