"""Entry point for ``flask`` and WSGI servers: ``FLASK_APP=flasky``."""

import os

from app import create_app
from app.extensions import db
from app.models import Comment, Follow, Permission, Post, Role, User

app = create_app(os.environ.get("FLASK_CONFIG") or "default")


@app.shell_context_processor
def make_shell_context() -> dict:
    return {
        "db": db,
        "User": User,
        "Role": Role,
        "Follow": Follow,
        "Permission": Permission,
        "Post": Post,
        "Comment": Comment,
    }
