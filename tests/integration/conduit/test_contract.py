"""Schemathesis checks Conduit against the RealWorld OpenAPI specification itself: no 5xx, no response off-schema.

The specification lives beside the repository, in ``../shared/realworld/openapi.yml``.
"""

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

REPOSITORY = Path(__file__).resolve().parents[3]
SPECIFICATION = REPOSITORY.parent / "shared" / "realworld" / "openapi.yml"
HTTP_METHODS = {"get", "put", "post", "delete", "patch"}
EXAMPLES_PER_OPERATION = 12


def operation_labels() -> list[tuple[str, str]]:
    """Every (METHOD, path) of the specification, or one placeholder when it is missing."""
    if not SPECIFICATION.exists():
        return [("MISSING", "")]
    spec = yaml.safe_load(SPECIFICATION.read_text())
    return [(method.upper(), path) for path, item in spec["paths"].items() for method in item if method in HTTP_METHODS]


@pytest.fixture(scope="module")
def schema():
    if not SPECIFICATION.exists():
        unavailable("RealWorld OpenAPI specification", f"{SPECIFICATION} does not exist")
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
