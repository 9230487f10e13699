"""Two-step sign-in: the 6-digit codes of an authenticator app (TOTP, RFC 6238) and single-use recovery codes.

A code is accepted for its own 30-second step and one step either side (clock drift), once: the step of each
accepted code is kept, and no code of that step or an earlier one is accepted again. Recovery codes are kept as
digests and each signs in once. Both are claimed by a conditional ``UPDATE``, so two requests sending the same code
at the same moment cannot both succeed.
"""

import base64
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, or_, select, update

from ..exceptions import N_, Conflict, Invalid, NotAuthenticated, NotFound
from ..extensions import db
from ..models import RecoveryCode, TwoFactor, User
from ..timestamps import utcnow
from . import sessions

# One step of clock drift either side of the server's, as RFC 6238 section 5.2 allows.
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
# 10 random bytes: 80 bits, 16 base32 characters, shown in groups of four.
RECOVERY_CODE_BYTES = 10
RECOVERY_CODE_LENGTH = 16
TOTP_CODE = re.compile(r"[0-9]{6}")
# What a person may type between the characters of a code.
SEPARATORS = re.compile(r"[\s-]+")
CODE_NEEDED = N_("is needed: this account uses two-step sign-in; send the 6-digit code of your app or a recovery code")
CODE_REFUSED = N_("is not a current code of your app, was used already, or is no unused recovery code")
SETUP_NEEDED = N_("must be turned on for your role: set it up on the web site's Security page first")


@dataclass(frozen=True)
class Setup:
    """What the set-up page shows: the secret to type, the ``otpauth://`` URI, and that URI as an SVG QR code."""

    secret: str
    uri: str

    def qr_svg(self, title: str) -> str:
        """The URI as an inline SVG QR code, named ``title`` (in the reader's language) for screen readers."""
        return segno.make(self.uri, error="m").svg_inline(scale=4, border=2, title=title)


def is_on(user: User) -> bool:
    row = user.two_factor
    return row is not None and row.is_on


def required_for(user: User) -> bool:
    """Whether ``user``'s role must use two-step sign-in (``FLASKY_REQUIRE_2FA_FOR``)."""
    role = user.role.name.lower() if user.role is not None else None
    return role in current_app.config["FLASKY_REQUIRE_2FA_FOR"]


def must_set_up(user: User) -> bool:
    """Whether ``user`` must turn two-step sign-in on before doing anything else."""
    return required_for(user) and not is_on(user)


def password_suffices(user: User) -> bool:
    """Whether the password alone signs ``user`` in: two-step sign-in is neither on nor required."""
    return not is_on(user) and not required_for(user)


def setup(user: User) -> Setup:
    """The secret awaiting its first code, made now unless one waits already; ``Conflict`` when it is on."""
    row = db.session.get(TwoFactor, user.id)
    if row is not None and row.is_on:
        raise Conflict(N_("Two-step sign-in is on already."), {"two_factor": [N_("is on already")]})
    if row is None:
        row = TwoFactor(user=user, secret=pyotp.random_base32())
        db.session.add(row)
        db.session.commit()
    uri = pyotp.TOTP(row.secret).provisioning_uri(
        name=user.email or user.username or str(user.id), issuer_name=current_app.config["FLASKY_TOTP_ISSUER"]
    )
    return Setup(row.secret, uri)


def turn_on(user: User, code: object) -> list[str]:
    """Turn on two-step sign-in once the app shows a right first code; returns the new recovery codes, shown once."""
    row = db.session.get(TwoFactor, user.id)
    if row is None or row.is_on:
        raise NotFound(
            N_("Start the set-up again: no secret awaits its first code."), {"two_factor": [N_("not pending")]}
        )
    step = matching_step(row.secret, normalised(code))
    if step is None:
        raise Invalid(
            errors={"code": [N_("is not the code your app shows now: check the phone's clock and try again")]}
        )
    row.enabled_at = utcnow()
    row.last_used_step = step
    codes = new_recovery_codes(user)
    db.session.commit()
    return codes


def turn_off(user: User) -> None:
    """Turn two-step sign-in off and forget the recovery codes, after a recent sign-in."""
    sessions.require_recent_sign_in(user)
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(TwoFactor).where(TwoFactor.user_id == user.id))
    db.session.commit()


def recovery_codes_left(user: User) -> int:
    return user.recovery_codes.filter(RecoveryCode.used_at.is_(None)).count()


def verify(user: User, code: object) -> bool:
    """Whether ``code`` is a current, unused code of ``user``'s app or an unused recovery code; uses it up."""
    text = normalised(code)
    row = db.session.get(TwoFactor, user.id)
    if row is None or not row.is_on or not text:
        return False
    used = use_totp_code(row, text) if TOTP_CODE.fullmatch(text) else use_recovery_code(user, text)
    db.session.commit()
    return used


def require_second_step(user: User, code: object) -> None:
    """For a sign-in by password: ``NotAuthenticated`` unless ``code`` is right, or ``user`` needs none."""
    if not is_on(user):
        if required_for(user):
            raise NotAuthenticated(errors={"two_factor": [SETUP_NEEDED]})
        return
    if not normalised(code):
        raise NotAuthenticated(errors={"code": [CODE_NEEDED]})
    if not verify(user, code):
        raise NotAuthenticated(errors={"code": [CODE_REFUSED]})


def normalised(code: object) -> str:
    """A code as typed, without spaces or hyphens and in lower case; empty for anything that is no text."""
    if not isinstance(code, str) or not code.isascii():
        return ""
    return SEPARATORS.sub("", code).lower()


def matching_step(secret: str, code: str) -> int | None:
    """The time step, within the drift allowed, whose code ``code`` is; ``None`` when it is no such code."""
    if not TOTP_CODE.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    now = utcnow().replace(tzinfo=UTC)
    for offset in range(-DRIFT_STEPS, DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(now, counter_offset=offset), code):
            return totp.timecode(now) + offset
    return None


def use_totp_code(row: TwoFactor, code: str) -> bool:
    step = matching_step(row.secret, code)
    if step is None:
        return False
    claimed = db.session.execute(
        update(TwoFactor)
        .where(
            TwoFactor.user_id == row.user_id,
            or_(TwoFactor.last_used_step.is_(None), TwoFactor.last_used_step < step),
        )
        .values(last_used_step=step)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def use_recovery_code(user: User, code: str) -> bool:
    if len(code) != RECOVERY_CODE_LENGTH:
        return False
    statement = select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id,
        RecoveryCode.code_hash == RecoveryCode.digest(code),
        RecoveryCode.used_at.is_(None),
    )
    code_id = db.session.scalar(statement)
    if code_id is None:
        return False
    claimed = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.id == code_id, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def format_code(random: bytes) -> str:
    """A recovery code as shown: lower-case base32 in groups of four, such as ``abcd-efgh-ijkl-mnop``."""
    text = base64.b32encode(random).decode().lower()
    return "-".join(text[start : start + 4] for start in range(0, len(text), 4))


def new_recovery_codes(user: User) -> list[str]:
    """Replace ``user``'s recovery codes with new ones, uncommitted; returns them as shown."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [format_code(secrets.token_bytes(RECOVERY_CODE_BYTES)) for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user=user, code_hash=RecoveryCode.digest(code.replace("-", ""))) for code in codes)
    return codes
