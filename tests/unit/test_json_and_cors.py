"""The app's JSON provider and its Vary: Origin hook, on their own: no database, no request to a view."""

import json

import pytest
from flask import Flask, Response, request
from werkzeug.exceptions import BadRequest

from app.cors import vary_on_origin
from app.json import JSONProvider

DEEP = "[" * 50000


@pytest.fixture
def provider() -> JSONProvider:
    return JSONProvider(Flask(__name__))


def test_json_nested_too_deeply_is_a_value_error(provider):
    with pytest.raises(ValueError, match="nested too deeply"):
        provider.loads(DEEP)


def test_other_json_parses_as_before(provider):
    assert provider.loads('{"a": [1, 2.5, "x", null, true]}') == {"a": [1, 2.5, "x", None, True]}
    nested = "[" * 500 + "]" * 500
    assert provider.loads(nested) == json.loads(nested)


def test_the_app_reads_request_bodies_with_it(app):
    assert isinstance(app.json, JSONProvider)
    with app.test_request_context(method="POST", data=DEEP, content_type="application/json"):
        assert request.get_json(silent=True) is None
        with pytest.raises(BadRequest):
            request.get_json()


def vary_of(**headers: str) -> list[str]:
    response = Response()
    for name, value in headers.items():
        response.headers.add(name.replace("_", "-"), value)
    return vary_on_origin(response).headers.getlist("Vary")


def test_an_echoed_origin_adds_origin_to_vary():
    assert vary_of(Access_Control_Allow_Origin="https://front.example") == ["Origin"]


def test_every_vary_header_is_kept_in_one():
    response = Response(headers=[("Vary", "Accept"), ("Vary", "origin, Accept-Language")])
    response.headers["Access-Control-Allow-Origin"] = "https://front.example"
    assert vary_on_origin(response).headers.getlist("Vary") == ["Accept, origin, Accept-Language"]


@pytest.mark.parametrize("allowed", ["*", None])
def test_a_wildcard_or_no_cors_leaves_vary_alone(allowed):
    headers = {"Vary": "Cookie"} if allowed is None else {"Vary": "Cookie", "Access_Control_Allow_Origin": allowed}
    assert vary_of(**headers) == ["Cookie"]
