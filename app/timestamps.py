"""Time as the database stores it (naive UTC) and as the APIs show it (ISO 8601 with a ``Z``)."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time in UTC, naive, as every timestamp column stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


def isoformat_utc(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z``, as the API shows timestamps."""
    if moment is None:
        return None
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000).isoformat(timespec="milliseconds") + "Z"
