"""
Who may see what: one rule per object kind, by role and by the dates of the membership.

Every queryset of the record (committees, sessions, points, documents, votes, agreements,
actas, informes) has ``for_user(user, *, manage=False)`` built on the pieces below, and the
personal calendar feed uses ``Session.objects.for_person``. The rules:

- Inactive or anonymous users see nothing here (the public portal has its own querysets of
  what was published).
- Staff with the permission to change committees see and manage everything.
- The technical secretary manages every session of the committee, in any term: the
  secretariat keeps the records after the committee closes.
- A member sees every session of the committee dated up to the end of their term (a
  former member keeps what they could see while in office, nothing after it).
- A party representative sees the formal work meetings dated within the same bound.
- Anyone sees the sessions they are invited to (guests see nothing else).
- Drafts (informes, actas in preparation) only for the secretariat; a draft acta also for
  the members who review it.

The filters are correlated EXISTS subqueries on indexed columns (membership by person and
committee, session by committee and date, invitation by session), so that PostgreSQL
answers one person's pages with index scans rather than a scan of every session.
"""

from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.lookups import Exact


def can_see_anything(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def holder(user=None, person=None) -> dict:
    """The lookup from a membership to the one whose access is decided."""
    return {"person": person} if person is not None else {"person__user": user}


def seats(who: dict, *, committee_ref: str = "committee"):
    """The memberships of ``who`` on the committee named by the outer ``committee_ref``."""
    from .models import Membership

    return Membership.objects.filter(committee=OuterRef(committee_ref), **who)


def term_covers(date_ref: str) -> Q:
    """A seat whose term had not ended by the outer ``date_ref``."""
    return Q(end__isnull=True) | Q(end__gte=OuterRef(date_ref))


def any_seat(who: dict, *, committee_ref: str = "committee") -> Exists:
    return Exists(seats(who, committee_ref=committee_ref))


def secretary_seat(who: dict, *, committee_ref: str = "committee") -> Exists:
    from .models import Membership

    return Exists(
        seats(who, committee_ref=committee_ref).filter(role=Membership.Role.TECHNICAL_SECRETARY)
    )


def session_readers(who: dict, *, committee_ref="committee", date_ref="date", kind_ref="kind"):
    """
    The seats of ``who`` that open the outer session by role: the secretary always, a
    member within the term, a representative the formal work meetings within the term.
    One EXISTS, correlated on the committee, so the planner drives it from the seats.
    """
    from sessions.models import Session

    from .models import Membership

    return Exists(
        seats(who, committee_ref=committee_ref).filter(
            Q(role=Membership.Role.TECHNICAL_SECRETARY)
            | (Q(role=Membership.Role.MEMBER) & term_covers(date_ref))
            | (
                Q(role=Membership.Role.PARTY_REPRESENTATIVE)
                & Q(Exact(OuterRef(kind_ref), Value(Session.Kind.WORK_MEETING)))
                & term_covers(date_ref)
            )
        )
    )


def draft_readers(who: dict, *, committee_ref="committee", date_ref="date") -> Exists:
    """Seats that may read a draft: the secretary, and members within the term."""
    from .models import Membership

    return Exists(
        seats(who, committee_ref=committee_ref).filter(
            Q(role=Membership.Role.TECHNICAL_SECRETARY)
            | (Q(role=Membership.Role.MEMBER) & term_covers(date_ref))
        )
    )


def invited(who: dict, *, session_ref="pk") -> Exists:
    """An invitation of one of the seats of ``who`` to the outer session."""
    from sessions.models import Session

    through = Session.invitations.through.objects.filter(session=OuterRef(session_ref))
    return Exists(through.filter(**{f"membership__{key}": value for key, value in who.items()}))


def reached_committees(who: dict):
    """
    The committees where ``who`` holds a seat or was invited to a session. Sessions are
    first narrowed to these (a semi-join on the committee, answered by the session's
    committee-and-date index) and only then tested row by row, so one person's pages and
    feed never read every session.
    """
    from sessions.models import Session

    from .models import Committee

    through = Session.invitations.through.objects.filter(session__committee=OuterRef("pk"))
    invitation = through.filter(**{f"membership__{key}": value for key, value in who.items()})
    return Committee.objects.filter(any_seat(who, committee_ref="pk") | Exists(invitation))


def managed_committees(who: dict):
    from .models import Committee

    return Committee.objects.filter(secretary_seat(who, committee_ref="pk"))
