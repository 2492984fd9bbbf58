"""
The permission matrix: every URL of the site × every role × the states that matter, with
the outcome each must get. The rule under test is committees.access; the table is the
specification a reader checks against DESIGN.md ("Who uses it").

A URL added to the URL configuration without a row here fails
``test_the_matrix_covers_every_url`` with its name: add it to ROWS.
"""

import datetime
import itertools

import pytest
from django.contrib.auth.models import Permission
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from agendas.models import AgendaPoint
from committees.models import Membership
from reports.models import Acta, Informe, InformeRender
from tests.factories import (
    make_agreement,
    make_committee,
    make_point,
    make_process,
    make_session,
)
from tests.web import make_document, make_user_with_seat

pytestmark = pytest.mark.django_db

D = datetime.date
SESSION_DAY = D(2024, 3, 1)

ROLES = (
    "anonymous",
    "no_seat",
    "member",
    "former",
    "other_committee",
    "representative",
    "guest",
    "secretary",
    "staff",
    "superuser",
    "inactive",
)

# Who gets through, per kind of access (roles not named get 404; anonymous and inactive
# users are sent to sign in wherever signing in is required).
SEAT_HOLDERS = {"member", "former", "representative", "guest", "secretary", "staff", "superuser"}
MANAGERS = {"secretary", "staff", "superuser"}
SIGNED = set(ROLES) - {"anonymous", "inactive"}


def session_readers(state):
    # The session is ordinary: representatives see it only if invited (they are not);
    # the guest is invited; the former member only if it fell within the term.
    readers = {"member", "guest", "secretary", "staff", "superuser"}
    if state["term"] == "before_term":
        readers.add("former")
    return readers


def draft_acta_readers(state):
    return session_readers(state) - {"guest"}


def acta_observers(state):
    # Observing is for those who sign it: members and the secretary, not the admins.
    return draft_acta_readers(state) - {"staff", "superuser"}


def acta_answerers(state):
    # Answering a circulated acta is for the members with vote alone.
    return draft_acta_readers(state) & {"member", "former"}


def nobody_yet(state):
    # No PDF was presented or printed in this world: the file is a 404 for everyone, and
    # the pages that lead to it (reports:informe, reports:informe-render) carry the rule.
    return set()


def informe_readers(state):
    if state["informe"] == "draft":
        return MANAGERS
    # The informe's period began within both terms of the former member.
    return MANAGERS | {"member", "former"}


def public_only(state):
    # The portal and the open data show a public session to everyone, and nothing else.
    return set(ROLES) if state["public"] == "public" else set()


def public_session_file(state):
    return set(ROLES) if state["public"] == "public" else session_readers(state)


# name: (method, who gets through: a set or a function of the state, states that matter,
#        whether anonymous users are sent to sign in rather than refused)
SESSION_STATES = ("public", "term")
ROWS = {
    "home": ("get", SIGNED, ()),
    "login": ("get", set(ROLES), ()),
    "logout": ("post", set(ROLES), ()),
    "password_change": ("get", SIGNED, ()),
    "password_change_done": ("get", SIGNED, ()),
    "password_reset": ("get", set(ROLES), ()),
    "password_reset_done": ("get", set(ROLES), ()),
    "password_reset_confirm": ("get", set(ROLES), ()),
    "password_reset_complete": ("get", set(ROLES), ()),
    "health": ("get", set(ROLES), ()),
    "committees:detail": ("get", SEAT_HOLDERS, ()),
    "committees:my-calendar": ("get", SIGNED, ()),
    "agendas:point-create": ("post", MANAGERS, ()),
    "agendas:point-edit": ("get", MANAGERS, ()),
    "agendas:point-delete": ("get", MANAGERS, ()),
    "agendas:point-move": ("post", MANAGERS, ()),
    "agendas:document-upload": ("post", MANAGERS, ()),
    "agendas:document-download": ("get", session_readers, SESSION_STATES),
    "agendas:roll-call": ("get", MANAGERS, ()),
    "agendas:roll-call-quorum": ("post", MANAGERS, ()),
    "agendas:session-history": ("get", session_readers, SESSION_STATES),
    "agendas:point-votes": ("get", MANAGERS, ()),
    "agendas:point-disposition": ("post", MANAGERS, ()),
    "agendas:deferred-take-up": ("post", MANAGERS, ()),
    "agendas:agreement-create": ("get", MANAGERS, ()),
    "agendas:agreements": ("get", SEAT_HOLDERS, ()),
    "agendas:agreement": ("get", session_readers, SESSION_STATES),
    "agendas:agreement-follow-up": ("post", MANAGERS, ()),
    "agendas:agreement-history": ("get", session_readers, SESSION_STATES),
    "sessions:calendar": ("get", SIGNED, ()),
    "sessions:calendar-list": ("get", SIGNED, ()),
    "sessions:detail": ("get", session_readers, SESSION_STATES),
    "sessions:convene": ("post", MANAGERS, ()),
    "sessions:postpone": ("get", MANAGERS, ()),
    "sessions:cancel": ("get", MANAGERS, ()),
    "sessions:open": ("post", MANAGERS, ()),
    "sessions:close": ("post", MANAGERS, ()),
    "sessions:times": ("post", MANAGERS, ()),
    "sessions:reschedule": ("get", MANAGERS, ()),
    "sessions:create": ("get", MANAGERS, ()),
    "sessions:import": ("get", MANAGERS, ()),
    "sessions:committee-feed": ("get", set(ROLES), ()),
    "sessions:personal-feed": ("get", None, ()),
    "sessions:session-ics": ("get", public_session_file, SESSION_STATES),
    "reports:acta-draft": ("post", MANAGERS, ()),
    "reports:acta": ("get", draft_acta_readers, SESSION_STATES),
    "reports:acta-minutes": ("post", MANAGERS, ()),
    "reports:acta-observation": ("post", acta_observers, SESSION_STATES),
    "reports:acta-erratum": ("post", MANAGERS, ()),
    "reports:acta-circulate": ("post", MANAGERS, ()),
    "reports:acta-withdraw-circulation": ("post", MANAGERS, ()),
    "reports:acta-answer": ("post", acta_answerers, SESSION_STATES),
    "reports:acta-history": ("get", draft_acta_readers, SESSION_STATES),
    "reports:convocatoria-pdf": ("get", session_readers, SESSION_STATES),
    "reports:orden-pdf": ("get", session_readers, SESSION_STATES),
    "reports:acta-pdf": ("get", draft_acta_readers, SESSION_STATES),
    "reports:compliance": ("get", SEAT_HOLDERS, ()),
    "reports:calendario-pdf": ("get", SEAT_HOLDERS, ()),
    "reports:informe-pdf": ("get", nobody_yet, ("informe",)),
    "reports:informe-print": ("post", informe_readers, ("informe",)),
    "reports:informe-render": ("get", informe_readers, ("informe",)),
    "reports:informe-render-pdf": ("get", nobody_yet, ("informe",)),
    "reports:informes": ("get", SEAT_HOLDERS, ()),
    "reports:informe-create": ("get", MANAGERS, ()),
    "reports:informe": ("get", informe_readers, ("informe",)),
    "reports:informe-edit": ("get", MANAGERS, ("informe",)),
    "reports:informe-present": ("post", MANAGERS, ("informe",)),
    "reports:acta-sign": ("post", draft_acta_readers, SESSION_STATES),
    # Search answers everyone signed in, with what each may see (tests/search checks that).
    "search:search": ("get", SIGNED, ()),
    "reminders:preferences": ("get", SIGNED, ()),
    # The public face: the same answer for everyone, signed in or not (issue 18).
    "verification:verify": ("get", set(ROLES), ()),
    "transparency:index": ("get", set(ROLES), ()),
    "transparency:sitemap": ("get", set(ROLES), ()),
    "transparency:institution": ("get", set(ROLES), ()),
    "transparency:export": ("get", set(ROLES), ()),
    "transparency:committee": ("get", set(ROLES), ()),
    "transparency:committee-data": ("get", set(ROLES), ()),
    "transparency:session": ("get", public_only, SESSION_STATES),
    # The document waits unclassified, the acta is a draft and the informe has no file:
    # nobody reads them on the portal until they are published.
    "transparency:document": ("get", nobody_yet, SESSION_STATES),
    "transparency:acta-pdf": ("get", nobody_yet, SESSION_STATES),
    "transparency:informe-pdf": ("get", nobody_yet, ("informe",)),
    "transparency:document-publication": ("get", MANAGERS, ()),
    "oparl:system": ("get", set(ROLES), ()),
    "oparl:body-list": ("get", set(ROLES), ()),
    "oparl:body": ("get", set(ROLES), ()),
    "oparl:body-organizations": ("get", set(ROLES), ()),
    "oparl:body-people": ("get", set(ROLES), ()),
    "oparl:body-memberships": ("get", set(ROLES), ()),
    "oparl:body-meetings": ("get", set(ROLES), ()),
    "oparl:body-papers": ("get", set(ROLES), ()),
    "oparl:body-agenda-items": ("get", set(ROLES), ()),
    "oparl:body-files": ("get", set(ROLES), ()),
    "oparl:legislative-term": ("get", set(ROLES), ()),
    "oparl:organization": ("get", set(ROLES), ()),
    "oparl:organization-meetings": ("get", set(ROLES), ()),
    "oparl:person": ("get", set(ROLES), ()),
    "oparl:membership": ("get", set(ROLES), ()),
    "oparl:meeting": ("get", public_only, SESSION_STATES),
    "oparl:agenda-item": ("get", public_only, SESSION_STATES),
    "oparl:file": ("get", nobody_yet, SESSION_STATES),
}

# Pages anyone may open, signed in or not: never a redirect to the sign-in page.
OPEN = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "health",
    "sessions:committee-feed",
    "sessions:personal-feed",
    *(name for name in ROWS if name.split(":")[0] in ("transparency", "oparl", "verification")),
}
OPEN.discard("transparency:document-publication")

STATE_VALUES = {
    "public": ("public", "non_public"),
    "term": ("before_term", "after_term"),
    "informe": ("draft", "presented"),
}


def cases():
    for name, (_method, _who, states) in ROWS.items():
        combinations = itertools.product(*(STATE_VALUES[s] for s in states))
        for values in combinations:
            state = dict(zip(states, values, strict=True))
            for role in ROLES:
                label = "-".join([name, role, *values])
                yield pytest.param(name, role, state, id=label)


CASES = list(cases())


def url_names(patterns=None, namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the admin site has its own permission system
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def test_the_matrix_covers_every_url():
    missing = sorted(set(url_names()) - set(ROWS))
    assert not missing, (
        "These URL names have no row in tests/test_permission_matrix.py ROWS; add one "
        f"(method, who gets through, states that matter) for each: {', '.join(missing)}"
    )
    stale = sorted(set(ROWS) - set(url_names()))
    assert not stale, f"ROWS names URLs that no longer exist: {', '.join(stale)}"


@pytest.fixture
def world(django_user_model, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    committee = make_committee(process=make_process())
    session = make_session(committee, date=SESSION_DAY, is_public=True)
    point = make_point(session)
    deferred = make_point(
        make_session(committee, date=D(2024, 2, 1)),
        disposition=AgendaPoint.Disposition.DEFERRED,
        disposition_reason="Falta información.",
    )
    document = make_document(point)
    agreement = make_agreement(point)
    acta = Acta.objects.create(session=session)
    informe = Informe.objects.create(
        committee=committee,
        kind=Informe.Kind.BIMONTHLY,
        number=1,
        period_start=D(2024, 1, 1),
        period_end=D(2024, 2, 29),
    )
    render = InformeRender.objects.create(informe=informe)
    users = {"anonymous": None}
    seat = Membership.Role
    users["member"] = make_user_with_seat(django_user_model, committee, seat.MEMBER, "member")
    users["former"] = make_user_with_seat(
        django_user_model, committee, seat.MEMBER, "former", end=D(2024, 6, 30)
    )
    users["representative"] = make_user_with_seat(
        django_user_model, committee, seat.PARTY_REPRESENTATIVE, "representative"
    )
    users["guest"] = make_user_with_seat(django_user_model, committee, seat.GUEST, "guest")
    session.invitations.add(users["guest"].person.memberships.get())
    users["secretary"] = make_user_with_seat(
        django_user_model, committee, seat.TECHNICAL_SECRETARY, "secretary"
    )
    users["other_committee"] = make_user_with_seat(
        django_user_model, make_committee(short_name="OTRO"), seat.MEMBER, "other"
    )
    users["no_seat"] = django_user_model.objects.create_user("noseat", password="x")
    users["staff"] = django_user_model.objects.create_user("staff", password="x", is_staff=True)
    users["staff"].user_permissions.add(Permission.objects.get(codename="change_committee"))
    users["superuser"] = django_user_model.objects.create_superuser("root", password="x")
    users["inactive"] = make_user_with_seat(django_user_model, committee, seat.MEMBER, "off")
    users["inactive"].is_active = False
    users["inactive"].save()
    return {
        "committee": committee,
        "session": session,
        "point": point,
        "deferred": deferred,
        "document": document,
        "agreement": agreement,
        "acta": acta,
        "informe": informe,
        "render": render,
        "users": users,
    }


def apply_state(world, state):
    session, informe = world["session"], world["informe"]
    if state.get("public") == "non_public":
        type(session).objects.filter(pk=session.pk).update(is_public=False)
    if state.get("term") == "after_term":
        # The former member's term ended before the session.
        world["users"]["former"].person.memberships.update(end=D(2024, 1, 31))
    if state.get("informe") == "presented":
        Informe.objects.filter(pk=informe.pk).update(status=Informe.Status.PRESENTED)


def url_for(name, world, role):
    w = world
    user = w["users"][role]
    kwargs = {
        "password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "committees:detail": {"slug": w["committee"].slug},
        "agendas:point-create": {"session_pk": w["session"].pk},
        "agendas:deferred-take-up": {"session_pk": w["session"].pk, "point_pk": w["deferred"].pk},
        "agendas:document-download": {
            "pk": w["document"].pk,
            "filename": w["document"].download_name,
        },
        "sessions:personal-feed": {
            "token": user.person.calendar_token
            if user is not None and hasattr(user, "person")
            else "sin-clave"
        },
        "reports:informe-render": {"pk": w["informe"].pk, "render_pk": w["render"].pk},
        "reports:informe-render-pdf": {"pk": w["informe"].pk, "render_pk": w["render"].pk},
        "reports:acta-minutes": {"pk": w["acta"].pk, "point_pk": w["point"].pk},
        "transparency:institution": {"pk": w["committee"].institution_id},
        "transparency:export": {
            "pk": w["committee"].institution_id,
            "year": 2024,
            "quarter": 1,
            "fmt": "csv",
        },
        "transparency:committee-data": {
            "slug": w["committee"].slug,
            "dataset": "sesiones",
            "fmt": "json",
        },
        "transparency:document": {
            "pk": w["document"].pk,
            "filename": w["document"].download_name,
        },
        "transparency:document-publication": {"pk": w["document"].pk},
        "oparl:body": {"pk": w["committee"].institution_id},
        **{
            f"oparl:body-{kind}": {"pk": w["committee"].institution_id}
            for kind in (
                "organizations",
                "people",
                "memberships",
                "meetings",
                "papers",
                "agenda-items",
                "files",
            )
        },
        "oparl:legislative-term": {"pk": w["committee"].process_id},
        "oparl:organization": {"pk": w["committee"].pk},
        "oparl:organization-meetings": {"pk": w["committee"].pk},
        "oparl:person": {"pk": w["users"]["member"].person.pk},
        "oparl:membership": {"pk": w["users"]["member"].person.memberships.get().pk},
        "oparl:meeting": {"pk": w["session"].pk},
        "oparl:agenda-item": {"pk": w["point"].pk},
        "oparl:file": {"kind": "documento", "pk": w["document"].pk},
    }
    if name in kwargs:
        return reverse(name, kwargs=kwargs[name])
    key = PK_OF.get(name)
    if key == "slug":
        return reverse(name, kwargs={"slug": w["committee"].slug})
    if key:
        return reverse(name, kwargs={"pk": w[key].pk})
    return reverse(name)


def _named(key, *names):
    return dict.fromkeys(names, key)


# Which object's key each remaining URL takes.
PK_OF = {
    **_named(
        "slug",
        "agendas:agreements",
        "sessions:create",
        "sessions:import",
        "sessions:committee-feed",
        "transparency:committee",
        "reports:compliance",
        "reports:calendario-pdf",
        "reports:informes",
        "reports:informe-create",
    ),
    **_named(
        "point",
        "agendas:point-edit",
        "agendas:point-delete",
        "agendas:point-move",
        "agendas:document-upload",
        "agendas:point-votes",
        "agendas:point-disposition",
        "agendas:agreement-create",
    ),
    **_named(
        "session",
        "agendas:roll-call",
        "agendas:roll-call-quorum",
        "agendas:session-history",
        "sessions:detail",
        "sessions:convene",
        "sessions:postpone",
        "sessions:cancel",
        "sessions:open",
        "sessions:close",
        "sessions:times",
        "sessions:reschedule",
        "sessions:session-ics",
        "reports:acta-draft",
        "reports:convocatoria-pdf",
        "reports:orden-pdf",
        "transparency:session",
    ),
    **_named(
        "agreement", "agendas:agreement", "agendas:agreement-follow-up", "agendas:agreement-history"
    ),
    **_named(
        "acta",
        "reports:acta",
        "reports:acta-observation",
        "reports:acta-erratum",
        "reports:acta-circulate",
        "reports:acta-withdraw-circulation",
        "reports:acta-answer",
        "reports:acta-history",
        "reports:acta-pdf",
        "reports:acta-sign",
        "transparency:acta-pdf",
    ),
    **_named(
        "informe",
        "reports:informe-pdf",
        "reports:informe-print",
        "reports:informe",
        "reports:informe-edit",
        "reports:informe-present",
        "transparency:informe-pdf",
    ),
}


def outcome(response) -> str:
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        return "login" if location.startswith("/cuenta/login/") else "ok"
    if response.status_code in (200, 204, 304, 400):
        return "ok"
    return str(response.status_code)


def expected(name, role, state) -> str:
    _method, who, _states = ROWS[name]
    if name == "logout":
        return "login"  # everyone is signed out and sent to the sign-in page
    if name == "sessions:personal-feed":
        # The token is the credential: people with a seat get their (possibly empty) feed.
        with_seat = SEAT_HOLDERS - {"staff", "superuser"} | {"inactive", "other_committee"}
        return "ok" if role in with_seat else "404"
    allowed = who(state) if callable(who) else who
    if role in allowed:
        return "ok"
    if role in ("anonymous", "inactive") and name not in OPEN:
        if name == "sessions:session-ics" and state.get("public") == "public":
            return "ok"
        return "login"
    return "404"


@pytest.mark.parametrize(("name", "role", "state"), CASES)
def test_permission_matrix(client, world, name, role, state):
    apply_state(world, state)
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    method = ROWS[name][0]
    response = getattr(client, method)(url_for(name, world, role))
    assert outcome(response) == expected(name, role, state), (
        f"{method.upper()} {name} as {role} {state}: {response.status_code}"
    )


def test_the_matrix_size():
    urls = len(ROWS)
    assert urls >= 66
    assert len(CASES) == sum(
        len(ROLES) * len(list(itertools.product(*(STATE_VALUES[s] for s in states))))
        for _m, _w, states in ROWS.values()
    )
