"""Exceptions raised by the models and turned into error responses by the blueprints."""


class ValidationError(ValueError):
    """Data sent by a client does not make a valid resource."""
