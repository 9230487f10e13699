"""The OpenAPI document, built from the code, and a Swagger UI page served from local files."""

from typing import Any

from flask import current_app, render_template

from . import api
from .openapi import build_openapi_document


@api.get("/openapi.json")
def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3 document of this API."""
    return build_openapi_document(current_app)


@api.get("/docs")
def docs() -> str:
    """A page to read the API document and try each operation."""
    return render_template("api/docs.html")
