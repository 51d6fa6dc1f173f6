"""The account's security log: what happened, roughly where from (an address prefix), which browser."""
from __future__ import annotations

import ipaddress

from flask import has_request_context, request
from sqlalchemy import select

from ..extensions import db
from ..models import SecurityEvent, User


def address_prefix(address: str | None) -> str:
    """203.0.113.7 → "203.0.113.x"; an IPv6 address keeps its first four groups. Never the whole address."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return ""
    if ip.version == 4:
        return ".".join(str(ip).split(".")[:3]) + ".x"
    return ":".join(ip.exploded.split(":")[:4]) + "::x"


def browser_of(agent: str) -> str:
    """A browser and system in words, from the User-Agent (enough to recognise one's own devices)."""
    agent = agent or ""
    browser = next((name for key, name in (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
                                           ("Safari/", "Safari")) if key in agent), "A browser")
    system = next((name for key, name in (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"),
                                          ("Windows", "Windows"), ("Mac OS", "macOS"), ("Linux", "Linux")) if key in agent), "")
    return f"{browser} on {system}" if system else browser


def where_from() -> tuple[str, str]:
    if not has_request_context():
        return "", ""
    return address_prefix(request.remote_addr), (request.user_agent.string or "")[:200]


def record(user: User | int, action: str) -> None:
    """Append one row to the member's security log, in the caller's transaction."""
    prefix, agent = where_from()
    db.session.add(SecurityEvent(user_id=user if isinstance(user, int) else user.id, action=action,
                                 ip_prefix=prefix, user_agent=agent))


def log_of(user: User, limit: int = 50) -> list[SecurityEvent]:
    return list(db.session.scalars(select(SecurityEvent).where(SecurityEvent.user_id == user.id)
                                   .order_by(SecurityEvent.created_at.desc(), SecurityEvent.id.desc()).limit(limit)))
