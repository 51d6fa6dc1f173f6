"""What every models module shares: the clock and the value sets of the constant columns."""
from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    # Naive UTC everywhere: SQLite has no time zones, and both engines must agree.
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Role:
    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"
    EMPLOYER = "employer"  # an organisation's recruiter: the talent pool only, never member pages
    ALL = (MEMBER, MODERATOR, ADMIN, EMPLOYER)


class Status:
    PENDING = "pending"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REJECTED = "rejected"
    INVITED = "invited"  # made from a roster: not listed and cannot sign in until the invitation is used
    LEAVING = "leaving"  # asked to be deleted: listed nowhere; signing in within the grace period cancels
    ERASED = "erased"    # deleted: a nameless row their posts still point to ("former member")
    ALL = (PENDING, ACTIVE, SUSPENDED, REJECTED, INVITED, LEAVING, ERASED)


class Visibility:
    """Who may see one profile field (members/privacy.py applies it)."""

    MEMBERS = "members"     # every active member
    PROGRAMS = "programs"   # members who share a partner program with the owner (and moderators)
    ONLY_ME = "me"          # the owner alone
    ALL = (MEMBERS, PROGRAMS, ONLY_ME)
    LABELS = {MEMBERS: "All members", PROGRAMS: "My programs only", ONLY_ME: "Only me"}


class Sector:
    ALL = ("district", "charter", "state", "nonprofit", "federal", "other")
    LABELS = {"district": "District", "charter": "Charter network", "state": "State agency",
              "nonprofit": "Non-profit", "federal": "Federal", "other": "Other"}


class Offer:
    """What a member is open to."""

    ALL = ("mentoring", "call", "site_visit", "opportunities")
    LABELS = {"mentoring": "Mentoring", "call": "A short call about a topic", "site_visit": "Site visits",
              "opportunities": "New opportunities"}
