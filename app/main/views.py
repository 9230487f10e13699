"""Pages of the site: the home feed, profiles, posts with comments, follows and moderation."""

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..converters import LARGEST_ID
from ..decorators import admin_required, permission_required
from ..extensions import csrf
from ..forms import FlaskyForm, refusals_shown_on, toggle_on_profile
from ..lookups import comment_with_id, post_with_id, user_named, user_with_id
from ..markdown import render_markdown
from ..models import Permission, Post, Tag
from ..page_cache import cached_page
from ..pagination import Position
from ..services import accounts, blocks, comments, follows, posts
from . import main, queries
from .forms import CommentForm, EditProfileAdminForm, EditProfileForm, PostForm

SHOW_FOLLOWED_COOKIE = "show_followed"
SHOW_FOLLOWED_MAX_AGE = 30 * 24 * 60 * 60
# The query arguments a page of a list reads: the signed-out page cache keeps one page for each.
PAGE_ARGUMENTS = ("page", "after", "before")


def page_argument() -> int:
    """The ``page`` query argument, 1 when absent or not a number; a page no list could reach is not found."""
    page = request.args.get("page", 1, type=int)
    if abs(page) > LARGEST_ID:
        abort(404)
    return page


def position_argument() -> Position:
    """The page ``page_argument`` names, at the cursor its link carries (``after`` or ``before``) when it has one."""
    return Position.from_args(request.args, page_argument())


def form_status(form: FlaskyForm | None) -> int:
    """400 for a form refused for its stale CSRF token, shown again to be sent once more; otherwise 200."""
    return 400 if form is not None and form.expired else 200


# The post and comment forms check their CSRF token themselves (``FlaskyForm``), so that one sent with a stale
# token comes back with the text typed into it instead of a bare 400 page.
@main.route("/", methods=["GET", "POST"])
@csrf.exempt
@cached_page(*PAGE_ARGUMENTS)
def index() -> tuple[str, int] | Response:
    """The home page: a post form for writers and every post, or the followed ones, newest first."""
    can_write = current_user.can(Permission.WRITE)
    # Shown to writers; made for every POST too, so that the service answers one sent by anybody else.
    form = PostForm() if can_write or request.method == "POST" else None
    preview = None
    if form is not None and form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.body.data)
        else:
            with refusals_shown_on(form):
                posts.create_post(current_user, form.body.data, title=form.title.data, tags=form.tag_names)
                flash(_("Your post has been published."), "success")
                return redirect(url_for(".index"))
    show_followed = current_user.is_authenticated and request.cookies.get(SHOW_FOLLOWED_COOKIE) == "1"
    if show_followed:
        pagination = queries.followed_posts(current_user, position_argument())
    else:
        pagination = queries.all_posts(position_argument())
    page = render_template(
        "index.html",
        form=form if can_write else None,
        preview=preview,
        posts=pagination.items,
        comment_counts=Post.comment_counts(pagination.items),
        pagination=pagination,
        show_followed=show_followed,
    )
    return page, form_status(form)


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
@cached_page(*PAGE_ARGUMENTS)
def user(username: str) -> str:
    """A user's profile and posts."""
    user = user_named(username)
    pagination = queries.posts_by(user, position_argument())
    return render_template(
        "user.html",
        user=user,
        posts=pagination.items,
        comment_counts=Post.comment_counts(pagination.items),
        pagination=pagination,
        is_following=current_user.is_authenticated and current_user.is_following(user),
        is_followed_by=current_user.is_authenticated and current_user.is_followed_by(user),
        is_blocking=blocks.has_blocked(current_user, user),
    )


@main.route("/edit-profile", methods=["GET", "POST"])
@login_required
def edit_profile() -> str | Response:
    """Edit the current user's name, location and about me."""
    form = EditProfileForm(obj=current_user)
    if form.validate_on_submit():
        with refusals_shown_on(form):
            changes = {
                "name": form.name.data,
                "location": form.location.data,
                "about_me": form.about_me.data,
                "locale": form.locale.data,
            }
            user = accounts.update_account(current_user, current_user, changes)
            flash(_("Your profile has been updated."), "success")
            return redirect(url_for(".user", username=user.username))
    return render_template("edit_profile.html", form=form, user=current_user)


@main.route("/edit-profile/<int:id>", methods=["GET", "POST"])
@login_required
@admin_required
def edit_profile_admin(id: int) -> str | Response:
    """An administrator edits any user's account and profile."""
    user = user_with_id(id)
    form = EditProfileAdminForm(user=user, obj=user)
    if form.validate_on_submit():
        with refusals_shown_on(form, renamed={"role_id": "role"}):
            changes = {
                "email": form.email.data,
                "username": form.username.data,
                "confirmed": form.confirmed.data,
                "role_id": form.role.data,
                "name": form.name.data,
                "location": form.location.data,
                "about_me": form.about_me.data,
            }
            accounts.update_account(current_user, user, changes)
            flash(_("The profile has been updated."), "success")
            return redirect(url_for(".user", username=user.username))
    return render_template("edit_profile.html", form=form, user=user)


@main.route("/post/<int:id>", methods=["GET", "POST"])
@csrf.exempt
@cached_page(*PAGE_ARGUMENTS)
def post(id: int) -> tuple[str, int] | Response:
    """A post with its comments, and a comment form for those who may comment."""
    post = post_with_id(id)
    can_comment = current_user.can(Permission.COMMENT)
    form = CommentForm() if can_comment or request.method == "POST" else None
    if form is not None and form.validate_on_submit():
        with refusals_shown_on(form):
            comments.add_comment(current_user, post, form.body.data)
            flash(_("Your comment has been published."), "success")
            return redirect(url_for(".post", id=post.id, page=queries.last_comment_page(post), _anchor="comments"))
    pagination = queries.comments_on(post, position_argument())
    page = render_template(
        "post.html",
        posts=[post],
        comment_counts={post.id: pagination.total},
        form=form if can_comment else None,
        comments=pagination.items,
        pagination=pagination,
    )
    return page, form_status(form)


@main.route("/edit/<int:id>", methods=["GET", "POST"])
@login_required
@csrf.exempt
def edit(id: int) -> tuple[str, int] | Response:
    """Edit a post: its author, while allowed to write, or an administrator."""
    post = post_with_id(id)
    posts.require_may_change(current_user, post)
    form = PostForm(obj=post)
    if not form.is_submitted():
        form.tags.data = Tag.join(post.tag_names)
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.body.data)
        else:
            with refusals_shown_on(form):
                changes = {"body": form.body.data, "title": form.title.data, "tags": form.tag_names}
                posts.edit_post(current_user, post, changes)
                flash(_("The post has been updated."), "success")
                return redirect(url_for(".post", id=post.id))
    return render_template("edit_post.html", form=form, post=post, preview=preview), form_status(form)


@main.route("/follow/<username>", methods=["POST"])
@login_required
def follow(username: str) -> Response:
    """Follow a user."""
    done, already = _("You are now following %(username)s."), _("You are already following this user.")
    return toggle_on_profile(follows.follow, username, done, already)


@main.route("/unfollow/<username>", methods=["POST"])
@login_required
def unfollow(username: str) -> Response:
    """Stop following a user."""
    done, already = _("You are not following %(username)s anymore."), _("You are not following this user.")
    return toggle_on_profile(follows.unfollow, username, done, already)


def follow_list(username: str, title: str, endpoint: str, *, of_followers: bool) -> str:
    """The users who follow a user (``of_followers``) or whom the user follows, newest follow first."""
    user = user_named(username)
    pagination = queries.follows_of(user, position_argument(), of_followers=of_followers)
    return render_template("followers.html", user=user, title=title, endpoint=endpoint, pagination=pagination)


@main.route("/followers/<username>")
@cached_page(*PAGE_ARGUMENTS)
def followers(username: str) -> str:
    """The users who follow a user."""
    return follow_list(username, _("Followers of"), ".followers", of_followers=True)


@main.route("/followed-by/<username>")
@cached_page(*PAGE_ARGUMENTS)
def followed_by(username: str) -> str:
    """The users a user follows."""
    return follow_list(username, _("Followed by"), ".followed_by", of_followers=False)


@main.route("/moderate")
@login_required
@permission_required(Permission.MODERATE)
def moderate() -> str:
    """Every comment, newest first, with buttons to enable or disable each."""
    pagination = queries.newest_comments(page_argument())
    return render_template("moderate.html", comments=pagination.items, pagination=pagination, page=pagination.page)


def moderated(id: int, disabled: bool) -> Response:
    """Enable or disable a comment, then go back to the moderation page it was on."""
    comments.set_comment_disabled(current_user, comment_with_id(id), disabled)
    return redirect(url_for(".moderate", page=page_argument()))


@main.route("/moderate/enable/<int:id>", methods=["POST"])
@login_required
def moderate_enable(id: int) -> Response:
    """Show a comment again."""
    return moderated(id, False)


@main.route("/moderate/disable/<int:id>", methods=["POST"])
@login_required
def moderate_disable(id: int) -> Response:
    """Hide a comment from everyone but moderators."""
    return moderated(id, True)


@main.app_context_processor
def inject_permissions() -> dict:
    """Make ``Permission`` available to every template."""
    return {"Permission": Permission}
