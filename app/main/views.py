"""Pages of the site: the home feed, profiles, posts with comments, follows and moderation."""

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from ..converters import LARGEST_ID
from ..decorators import admin_required, permission_required
from ..extensions import db
from ..markdown import render_markdown
from ..models import Comment, Permission, Post, Role, Tag, User
from . import main, queries
from .forms import CommentForm, EditProfileAdminForm, EditProfileForm, PostForm

SHOW_FOLLOWED_COOKIE = "show_followed"
SHOW_FOLLOWED_MAX_AGE = 30 * 24 * 60 * 60


def page_argument() -> int:
    """The ``page`` query argument, 1 when absent or not a number; a page no list could reach is not found."""
    page = request.args.get("page", 1, type=int)
    if abs(page) > LARGEST_ID:
        abort(404)
    return page


@main.route("/", methods=["GET", "POST"])
def index() -> str | Response:
    """The home page: a post form for writers and every post, or the followed ones, newest first."""
    can_write = current_user.can(Permission.WRITE)
    if request.method == "POST" and not can_write:
        abort(403)
    form = PostForm() if can_write else None
    preview = None
    if form is not None and form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.body.data)
        else:
            post = Post(body=form.body.data, title=form.title.data, author=current_user._get_current_object())
            post.tag_names = Tag.split(form.tags.data)
            db.session.add(post)
            db.session.commit()
            flash("Your post has been published.", "success")
            return redirect(url_for(".index"))
    show_followed = current_user.is_authenticated and request.cookies.get(SHOW_FOLLOWED_COOKIE) == "1"
    if show_followed:
        pagination = queries.followed_posts(current_user, page_argument())
    else:
        pagination = queries.all_posts(page_argument())
    return render_template(
        "index.html",
        form=form,
        preview=preview,
        posts=pagination.items,
        comment_counts=Post.comment_counts(pagination.items),
        pagination=pagination,
        show_followed=show_followed,
    )


def show_followed_response(value: str) -> Response:
    """A redirect home that remembers which tab of posts to show."""
    response = make_response(redirect(url_for(".index")))
    response.set_cookie(SHOW_FOLLOWED_COOKIE, value, max_age=SHOW_FOLLOWED_MAX_AGE, httponly=True, samesite="Lax")
    return response


@main.route("/all", methods=["POST"])
@login_required
def show_all() -> Response:
    """Show every post on the home page."""
    return show_followed_response("")


@main.route("/followed", methods=["POST"])
@login_required
def show_followed() -> Response:
    """Show only the followed users' posts on the home page."""
    return show_followed_response("1")


@main.route("/user/<username>")
def user(username: str) -> str:
    """A user's profile and posts."""
    user = queries.user_by_username(username)
    pagination = queries.posts_by(user, page_argument())
    return render_template(
        "user.html",
        user=user,
        posts=pagination.items,
        comment_counts=Post.comment_counts(pagination.items),
        pagination=pagination,
        is_following=current_user.is_authenticated and current_user.is_following(user),
        is_followed_by=current_user.is_authenticated and current_user.is_followed_by(user),
    )


@main.route("/edit-profile", methods=["GET", "POST"])
@login_required
def edit_profile() -> str | Response:
    """Edit the current user's name, location and about me."""
    form = EditProfileForm(obj=current_user)
    if form.validate_on_submit():
        current_user.name = form.name.data
        current_user.location = form.location.data
        current_user.about_me = form.about_me.data
        db.session.commit()
        flash("Your profile has been updated.", "success")
        return redirect(url_for(".user", username=current_user.username))
    return render_template("edit_profile.html", form=form, user=current_user)


@main.route("/edit-profile/<int:id>", methods=["GET", "POST"])
@login_required
@admin_required
def edit_profile_admin(id: int) -> str | Response:
    """An administrator edits any user's account and profile."""
    user = db.get_or_404(User, id)
    form = EditProfileAdminForm(user=user, obj=user)
    if form.validate_on_submit():
        user.email = form.email.data
        user.avatar_hash = user.gravatar_hash()
        user.username = form.username.data
        user.confirmed = form.confirmed.data
        user.role = db.session.get(Role, form.role.data)
        user.name = form.name.data
        user.location = form.location.data
        user.about_me = form.about_me.data
        db.session.commit()
        flash("The profile has been updated.", "success")
        return redirect(url_for(".user", username=user.username))
    return render_template("edit_profile.html", form=form, user=user)


@main.route("/post/<int:id>", methods=["GET", "POST"])
def post(id: int) -> str | Response:
    """A post with its comments, and a comment form for those who may comment."""
    post = queries.post_with_author(id)
    can_comment = current_user.can(Permission.COMMENT)
    if request.method == "POST" and not can_comment:
        abort(403)
    form = CommentForm() if can_comment else None
    if form is not None and form.validate_on_submit():
        db.session.add(Comment(body=form.body.data, post=post, author=current_user._get_current_object()))
        db.session.commit()
        flash("Your comment has been published.", "success")
        return redirect(url_for(".post", id=post.id, page=queries.last_comment_page(post), _anchor="comments"))
    pagination = queries.comments_on(post, page_argument())
    return render_template(
        "post.html",
        posts=[post],
        comment_counts={post.id: pagination.total},
        form=form,
        comments=pagination.items,
        pagination=pagination,
    )


@main.route("/edit/<int:id>", methods=["GET", "POST"])
@login_required
def edit(id: int) -> str | Response:
    """Edit a post: its author, while allowed to write, or an administrator."""
    post = queries.post_with_author(id)
    if not post.editable_by(current_user):
        abort(403)
    form = PostForm(obj=post)
    if not form.is_submitted():
        form.tags.data = ", ".join(post.tag_names)
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.body.data)
        else:
            post.body = form.body.data
            post.title = form.title.data
            post.tag_names = Tag.split(form.tags.data)
            db.session.commit()
            flash("The post has been updated.", "success")
            return redirect(url_for(".post", id=post.id))
    return render_template("edit_post.html", form=form, post=post, preview=preview)


@main.route("/follow/<username>", methods=["POST"])
@login_required
@permission_required(Permission.FOLLOW)
def follow(username: str) -> Response:
    """Follow a user."""
    user = queries.user_by_username(username)
    if current_user.is_following(user) or not follow_once(user):
        flash("You are already following this user.", "info")
    else:
        flash(f"You are now following {username}.", "success")
    return redirect(url_for(".user", username=username))


def follow_once(user: User) -> bool:
    """Save the current user's follow of ``user``; false when a request at the same moment saved it first."""
    current_user.follow(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


@main.route("/unfollow/<username>", methods=["POST"])
@login_required
@permission_required(Permission.FOLLOW)
def unfollow(username: str) -> Response:
    """Stop following a user."""
    user = queries.user_by_username(username)
    if user == current_user:
        flash("You cannot unfollow yourself.", "warning")
    elif not current_user.is_following(user):
        flash("You are not following this user.", "info")
    else:
        current_user.unfollow(user)
        db.session.commit()
        flash(f"You are not following {username} anymore.", "success")
    return redirect(url_for(".user", username=username))


@main.route("/followers/<username>")
def followers(username: str) -> str:
    """The users who follow a user."""
    user = queries.user_by_username(username)
    pagination = queries.followers_of(user, page_argument())
    follows = [{"user": follow.follower, "timestamp": follow.timestamp} for follow in pagination.items]
    return render_template(
        "followers.html",
        user=user,
        title="Followers of",
        endpoint=".followers",
        pagination=pagination,
        follows=follows,
    )


@main.route("/followed-by/<username>")
def followed_by(username: str) -> str:
    """The users a user follows."""
    user = queries.user_by_username(username)
    pagination = queries.followed_by(user, page_argument())
    follows = [{"user": follow.followed, "timestamp": follow.timestamp} for follow in pagination.items]
    return render_template(
        "followers.html",
        user=user,
        title="Followed by",
        endpoint=".followed_by",
        pagination=pagination,
        follows=follows,
    )


@main.route("/moderate")
@login_required
@permission_required(Permission.MODERATE)
def moderate() -> str:
    """Every comment, newest first, with buttons to enable or disable each."""
    pagination = queries.newest_comments(page_argument())
    return render_template("moderate.html", comments=pagination.items, pagination=pagination, page=pagination.page)


def set_comment_disabled(id: int, disabled: bool) -> Response:
    """Enable or disable a comment, then go back to the moderation page it was on."""
    comment = db.get_or_404(Comment, id)
    comment.disabled = disabled
    db.session.commit()
    return redirect(url_for(".moderate", page=page_argument()))


@main.route("/moderate/enable/<int:id>", methods=["POST"])
@login_required
@permission_required(Permission.MODERATE)
def moderate_enable(id: int) -> Response:
    """Show a comment again."""
    return set_comment_disabled(id, False)


@main.route("/moderate/disable/<int:id>", methods=["POST"])
@login_required
@permission_required(Permission.MODERATE)
def moderate_disable(id: int) -> Response:
    """Hide a comment from everyone but moderators."""
    return set_comment_disabled(id, True)


@main.app_context_processor
def inject_permissions() -> dict:
    """Make ``Permission`` available to every template."""
    return {"Permission": Permission}
