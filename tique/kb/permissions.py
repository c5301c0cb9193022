"""Who may do what in the help centre: pure predicates. Scoping a query to what a
reader may open is `Article.objects.readable_by(user)`."""

from __future__ import annotations

from tique.accounts.models import User
from tique.kb.models import Article
from tique.tickets.permissions import can_work_tickets


def can_edit_articles(user: User) -> bool:
    """Agents write and publish articles (as they answer the questions behind them)."""
    return can_work_tickets(user)


def can_read(user: User | None, article: Article) -> bool:
    if article.is_public:
        return True
    return user is not None and user.is_authenticated and can_work_tickets(user)


def can_see_feedback(user: User | None) -> bool:
    """Vote counts and readers' comments are for staff."""
    return user is not None and user.is_authenticated and can_work_tickets(user)
