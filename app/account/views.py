"""Export with a progress page, the archive's download, and deleting an account."""

import io

from flask import flash, jsonify, redirect, render_template, send_file, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from ..decorators import admin_required
from ..extensions import limiter
from ..forms import refusals_shown_on
from ..lookups import user_with_id
from ..models import DataExport, User
from ..models.export import DONE
from ..security import auth_rate_limit
from ..services import account_deletion, export
from . import account
from .forms import DeleteAccountForm


@account.route("/account/export", methods=["POST"])
@login_required
def start_export() -> Response:
    """Start exporting the user's data (or keep following the export under way) and show its progress."""
    export.start_export(current_user)
    return redirect(url_for(".export_progress"))


@account.route("/account/export")
@login_required
def export_progress() -> str:
    """The export's progress bar, which its script moves on until the download link appears."""
    data_export = export.current_export(current_user)
    return render_template("account/export.html", export=data_export, **export_status_of(data_export))


@account.route("/account/export/status")
@login_required
def export_status() -> Response:
    """The export's status and percent done, for the progress page's script."""
    return jsonify(export_status_of(export.current_export(current_user)))


def export_status_of(data_export: DataExport | None) -> dict[str, object]:
    if data_export is None:
        return {"status": None, "progress": 0, "download_url": None}
    status = data_export.state()
    download_url = url_for(".download_export") if status == DONE else None
    return {"status": status, "progress": data_export.progress, "download_url": download_url}


@account.route("/account/export/download")
@login_required
def download_export() -> Response:
    """The ZIP archive of the user's export, to its owner only, within 24 hours of its making."""
    archive, file_name = export.archive_of(current_user)
    return send_file(io.BytesIO(archive), mimetype="application/zip", as_attachment=True, download_name=file_name)


@account.route("/account/delete", methods=["GET", "POST"])
@login_required
@limiter.limit(auth_rate_limit, methods=["POST"])
def delete_own_account() -> str | Response:
    """Delete the user's own account, once the password is given again."""
    return deletion_page(current_user)


@account.route("/account/delete/<int:id>", methods=["GET", "POST"])
@login_required
@admin_required
@limiter.limit(auth_rate_limit, methods=["POST"])
def delete_account(id: int) -> str | Response:
    """An administrator deletes a user's account, giving their own password."""
    return deletion_page(user_with_id(id))


def deletion_page(user: User) -> str | Response:
    form = DeleteAccountForm()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            own = user.id == current_user.id
            username = user.username
            account_deletion.delete_account(current_user, user, form.password.data)
            if not own:
                flash(_("The account of %(username)s has been deleted.", username=username), "success")
                return redirect(url_for("main.index"))
            session.clear()
            logout_user()
            flash(_("Your account has been deleted. Goodbye!"), "success")
            return redirect(url_for("main.index"))
    return render_template("account/delete.html", form=form, user=user)
