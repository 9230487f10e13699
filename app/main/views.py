"""Pages of the site."""

from flask import render_template, request
from sqlalchemy import select

from ..extensions import db
from ..models import Post
from . import main


@main.route("/")
def index():
    """The home page: every post, newest first."""
    page = request.args.get("page", 1, type=int)
    pagination = db.paginate(select(Post).order_by(Post.timestamp.desc()), page=page, per_page=20, error_out=False)
    return render_template("index.html", posts=pagination.items, pagination=pagination)
