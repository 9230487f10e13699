"""Your data: exporting it as a ZIP archive, and deleting an account."""

import io
from typing import Any

from flask import Response, g, send_file, url_for

from ..exceptions import NotFound
from ..lookups import user_with_id
from ..services import account_deletion, export
from . import api
from .openapi import operation
from .schemas import ExportSchema, PasswordSchema


@api.post("/export")
@operation(
    "Export your data",
    tag="account",
    response=ExportSchema,
    status=202,
    description="Starts a background job that writes a ZIP archive of your profile, posts, comments, messages and "
    "follows as JSON; while one runs, you get that one. Follow it with `GET /api/v1/export`.",
)
def start_export() -> tuple[dict[str, Any], int, dict[str, str]]:
    data_export = export.start_export(g.current_user)
    return data_export.to_json(), 202, {"Location": url_for("api.get_export", _external=True)}


@api.get("/export")
@operation(
    "Get your export's progress",
    tag="account",
    response=ExportSchema,
    errors=(404,),
    description="404 when you have no export, or its archive expired (24 hours after it was made).",
)
def get_export() -> dict[str, Any]:
    data_export = export.current_export(g.current_user)
    if data_export is None:
        raise NotFound("You have no export: start one with POST /api/v1/export.", {"export": ["not found"]})
    return data_export.to_json()


@api.get("/export/archive")
@operation(
    "Download your export's ZIP archive",
    tag="account",
    errors=(404,),
    description="`application/zip`, for 24 hours after the archive was made; 404 before it is done and after.",
)
def get_export_archive() -> Response:
    archive, file_name = export.archive_of(g.current_user)
    return send_file(io.BytesIO(archive), mimetype="application/zip", as_attachment=True, download_name=file_name)


@api.delete("/users/<int:id>")
@operation(
    "Delete an account",
    tag="account",
    status=204,
    body=PasswordSchema,
    errors=(409,),
    description="Your own, or anyone's for an administrator; `password` is yours, given again. The user's posts "
    "(with the comments on them), comments, messages, follows and blocks are deleted, and every session and token "
    "of theirs ends at once. The last administrator's account is never deleted (409). A wrong password gets 422.",
)
def delete_user(id: int, data: dict[str, Any]) -> tuple[str, int]:
    account_deletion.delete_account(g.current_user, user_with_id(id), data["password"])
    return "", 204
