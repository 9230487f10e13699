"""Schemathesis checks Conduit against the RealWorld OpenAPI specification itself: no 5xx, no response off-schema.

``REALWORLD_OPENAPI`` names the specification file; ``.ci/run`` sets it to ``shared/realworld/openapi.yml`` beside
the repository. Unset, or naming no file, the test is skipped with one line, and fails when ``CI=true``.
"""

import os
from pathlib import Path

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from app.extensions import db as _db
from app.models import Comment, Post
from tests.factories import CommentFactory, PostFactory, UserFactory
from tests.services import unavailable

SPECIFICATION_VARIABLE = "REALWORLD_OPENAPI"
SPECIFICATION = Path(os.environ[SPECIFICATION_VARIABLE]) if os.environ.get(SPECIFICATION_VARIABLE) else None
HTTP_METHODS = {"get", "put", "post", "delete", "patch"}
EXAMPLES_PER_OPERATION = 12


def missing_specification() -> str | None:
    """Why the specification cannot be read, or ``None`` when it can."""
    if SPECIFICATION is None:
        return f"{SPECIFICATION_VARIABLE} is not set (the path of the RealWorld openapi.yml; .ci/run sets it)"
    if not SPECIFICATION.is_file():
        return f"{SPECIFICATION_VARIABLE}={SPECIFICATION} is not a file"
    return None


def operation_labels() -> list[tuple[str, str]]:
    """Every (METHOD, path) of the specification, or one placeholder when it is missing."""
    if missing_specification():
        return [("MISSING", "")]
    spec = yaml.safe_load(SPECIFICATION.read_text())
    return [(method.upper(), path) for path, item in spec["paths"].items() for method in item if method in HTTP_METHODS]


@pytest.fixture(scope="module")
def schema():
    reason = missing_specification()
    if reason:
        unavailable("RealWorld OpenAPI specification", reason)
    return schemathesis.openapi.from_path(SPECIFICATION)


def known_article(author) -> Post:
    """The article named ``known``, made again if an example deleted it."""
    post = _db.session.scalar(_db.select(Post).filter_by(slug="known"))
    return post or PostFactory(author=author, title="Known", tag_names=["dragons"])


def known_comment(post, author) -> Comment:
    comment = post.comments.first()
    return comment or CommentFactory(post=post, author=author)


@pytest.mark.parametrize(("method", "path"), operation_labels())
def test_conduit_meets_the_realworld_contract(app, db, schema, method, path):
    operation = schema[path][method]
    author = UserFactory(username="jake", email="jake@example.com")
    user_id = author.id
    token = author.generate_auth_token()
    headers = {"Authorization": f"Token {token}"}
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases, use_known=st.booleans())
    def check(case, use_known):
        # Half the examples name a real article, comment and user, so success responses are checked too.
        if use_known and case.path_parameters:
            owner = _db.session.get(type(author), user_id)
            post = known_article(owner)
            known = {"slug": post.slug, "username": owner.username, "id": known_comment(post, owner).id}
            case.path_parameters = {name: known.get(name, value) for name, value in case.path_parameters.items()}
        response = case.call(app=app, headers=headers)
        case.validate_response(response, checks=checks)

    check()
