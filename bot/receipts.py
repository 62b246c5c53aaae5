"""Exactly-once receipts: the database's primary key decides, across every process."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot import db
from bot.models import Receipt, utcnow

#: Receipts older than this are forgotten; redeliveries come within minutes.
KEEP_FOR = timedelta(days=2)


def first_receipt(sessions: sessionmaker[Session], key: str) -> bool:
    """Record ``key``; False when it was recorded before, by this process or another."""
    try:
        with db.transaction(sessions) as session:
            session.add(Receipt(key=key))
    except IntegrityError:
        return False
    with db.transaction(sessions) as session:
        session.execute(delete(Receipt).where(Receipt.received_at < utcnow() - KEEP_FOR))
    return True
