"""The OpenAPI document is built from the code, served with a local docs page, and the API keeps to it."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings, strategies
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app
from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory

from .conftest import token_auth

# No server error, and every status, header, content type and body as the document says.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def test_document_is_public_and_lists_every_operation(client, db):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = response.json
    assert document["openapi"].startswith("3.")
    operations = {
        (method.upper(), path) for path, item in document["paths"].items() for method in item if method != "parameters"
    }
    assert operations == {
        ("POST", "/api/v1/tokens/"),
        ("DELETE", "/api/v1/tokens/"),
        ("GET", "/api/v1/users/{id}"),
        ("GET", "/api/v1/users/{id}/posts/"),
        ("GET", "/api/v1/users/{id}/timeline/"),
        ("POST", "/api/v1/users/{id}/follow"),
        ("DELETE", "/api/v1/users/{id}/follow"),
        ("GET", "/api/v1/posts/"),
        ("POST", "/api/v1/posts/"),
        ("GET", "/api/v1/posts/{id}"),
        ("PUT", "/api/v1/posts/{id}"),
        ("DELETE", "/api/v1/posts/{id}"),
        ("GET", "/api/v1/posts/{id}/comments/"),
        ("POST", "/api/v1/posts/{id}/comments/"),
        ("GET", "/api/v1/comments/"),
        ("GET", "/api/v1/comments/{id}"),
        ("GET", "/api/v1/search/posts"),
        ("GET", "/api/v1/conversations/"),
        ("GET", "/api/v1/conversations/{id}"),
        ("POST", "/api/v1/conversations/{id}"),
        ("POST", "/api/v1/conversations/{id}/read"),
        ("GET", "/api/v1/messages/{id}"),
        ("POST", "/api/v1/users/{id}/block"),
        ("DELETE", "/api/v1/users/{id}/block"),
        ("DELETE", "/api/v1/users/{id}"),
        ("GET", "/api/v1/notifications/"),
        ("GET", "/api/v1/notifications/count"),
        ("POST", "/api/v1/notifications/read"),
        ("POST", "/api/v1/export"),
        ("GET", "/api/v1/export"),
        ("GET", "/api/v1/export/archive"),
    }


def test_document_describes_request_bodies_from_the_validating_schemas(client, db):
    document = client.get("/api/v1/openapi.json").json

    new_post = document["paths"]["/api/v1/posts/"]["post"]
    body_schema = new_post["requestBody"]["content"]["application/json"]["schema"]
    assert body_schema == {"$ref": "#/components/schemas/PostInput"}
    post_input = document["components"]["schemas"]["PostInput"]
    assert post_input["required"] == ["body"]
    assert post_input["additionalProperties"] is False
    assert "Needs the WRITE permission." in new_post["description"]
    assert set(new_post["responses"]) == {"201", "400", "401", "403", "413", "415", "422"}


def test_docs_page_uses_only_local_assets(client, db):
    response = client.get("/api/v1/docs")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert "/api/v1/openapi.json" in page
    assert "http://" not in page
    assert "https://" not in page
    for asset in (
        "/static/vendor/swagger-ui/swagger-ui-bundle.js",
        "/static/vendor/swagger-ui/swagger-ui.css",
        "/api/v1/docs/static/swagger-initializer.js",
    ):
        assert client.get(asset).status_code == 200, asset


OPERATIONS = sorted(
    (method, path)
    for path, item in create_app("testing").test_client().get("/api/v1/openapi.json").json["paths"].items()
    for method in item
)


@pytest.mark.parametrize(
    ("method", "path"), OPERATIONS, ids=[f"{method.upper()} {path}" for method, path in OPERATIONS]
)
def test_api_keeps_to_its_document(app, db, method, path):
    user, other = UserFactory(), UserFactory()
    FollowFactory(follower=user, followed=other)
    for post in (PostFactory(author=user), PostFactory(author=other)):
        CommentFactory(post=post)
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[path][method]
    headers = token_auth(user)

    # Random ids almost never exist; aim a share of the cases at the rows made above.
    @given(case=operation.as_strategy(), existing_id=strategies.sampled_from([None, 1, 2]))
    @settings(max_examples=25, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
    def keeps_to_document(case, existing_id):
        if existing_id is not None and case.path_parameters:
            case.path_parameters["id"] = existing_id
        case.call_and_validate(headers=headers, checks=CHECKS)

    keeps_to_document()
