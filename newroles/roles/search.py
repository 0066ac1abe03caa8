"""Search across roles, their titles, packs and documents, ranked so what a user typed comes first.

People search with the words they use at work: a role's name, an abbreviation the catalogue lists
("PSW"), or their trust's own title for a post ("Recovery Navigator"). So besides the derived index
(`SearchEntry`), titles are matched directly, and every hit has a tier:

0. the query is a role's name;
1. the query is one of the role's titles: an alias or a trust's local title the user may see;
2. every word starts a word of the role's (or pack's, or document's) name;
3. every word starts a word of one of those titles;
4. the words are somewhere in the indexed text.

Within a tier roles come before packs and documents. On PostgreSQL tier 4 uses full-text search and
orders by its rank; elsewhere (SQLite, the default) it is a plain "contains every word" match.

Local titles kept by apps above the catalogue (a deployment's title on the map) reach search through
sources those apps register (`register_title_source`), found in their `search_sources` module, so the
catalogue never imports them. A source filters by the user's access itself; trust aliases are filtered
here with the same policy as every list, so another trust's private title never appears.

The index itself (one `SearchEntry` per role, pack and document, with its owner and sharing) is kept
by the services through `reindex_role`, `reindex_pack` and `reindex_document` below.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils.module_loading import autodiscover_modules

from newroles.accounts import policy
from newroles.audit.writes import create_row, delete_row, update_row
from newroles.roles.models import Role, RoleAlias, RolePack, SearchEntry, SharedDocument, normalise_title

MAX_WORDS = 8
KIND_ORDER = {"role": 0, "pack": 1, "document": 2}
KIND_LABELS = {"role": "Role", "pack": "Role pack", "document": "Document", "local_title": "Local title"}


@dataclass(frozen=True)
class LocalTitle:
    """A title a trust uses for a role, as a title source gives it: the role (when known) and where it is."""

    title: str
    trust_name: str
    role: Role | None = None
    url: str = ""


# (user, normalised query words) -> local titles the user may see whose title contains every word.
TitleSource = Callable[[Any, list[str]], Iterable[LocalTitle]]

_SOURCES: dict[str, TitleSource] = {}
_discovered = False
_lock = threading.Lock()


def register_title_source(name: str, source: TitleSource) -> None:
    """Add (or replace, by name) a source of trusts' local titles for search."""
    _SOURCES[name] = source


def title_sources() -> list[TitleSource]:
    global _discovered
    if not _discovered:
        with _lock:
            if not _discovered:
                autodiscover_modules("search_sources")
                _discovered = True
    return [_SOURCES[name] for name in sorted(_SOURCES)]


@dataclass
class Hit:
    """One search result: what it is, where it leads, why it matched and how well."""

    kind: str
    title: str
    url: str
    tier: int
    rank: float = 0.0
    note: str = ""

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, "Result")

    def sort_key(self) -> tuple[int, int, float, str]:
        return (self.tier, KIND_ORDER.get(self.kind, 9), -self.rank, self.title.lower())


def query_words(query: str) -> list[str]:
    """The query's words, normalised as titles are (lower case, letters and digits)."""
    return normalise_title(query).split()[:MAX_WORDS]


def _starts_words(words: list[str], text: str) -> bool:
    """Every query word starts a word of the text (so "peer" matches "Peer support worker", not "peerless")."""
    text_words = normalise_title(text).split()
    return all(any(t.startswith(w) for t in text_words) for w in words)


def _name_tier(key: str, words: list[str], name: str) -> int | None:
    if normalise_title(name) == key:
        return 0
    if _starts_words(words, name):
        return 2
    return None


def _title_tier(key: str, words: list[str], title: str) -> int | None:
    if normalise_title(title) == key:
        return 1
    if _starts_words(words, title):
        return 3
    return None


def _contains_every(field: str, words: list[str]) -> Q:
    condition = Q()
    for word in words:
        condition &= Q(**{f"{field}__icontains": word})
    return condition


def _entries(user: Any, query: str, words: list[str], limit: int) -> list[tuple[SearchEntry, float]]:
    """Index entries the user may see that match the query, with a rank where the database gives one."""
    visible = policy.visible(user, SearchEntry.objects.all())
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("title", weight="A", config="english") + SearchVector(
            "text", weight="B", config="english"
        )
        ts_query = SearchQuery(" ".join(words), search_type="plain", config="english")
        ranked = (
            visible.annotate(document=vector, rank=SearchRank(vector, ts_query))
            .filter(document=ts_query)
            .order_by("-rank", "title")[:limit]
        )
        found = [(entry, float(entry.rank)) for entry in ranked]
        # Full-text search splits and stems words; an abbreviation or part of a code it leaves out is
        # still found by the plain match below.
        seen = {entry.pk for entry, _ in found}
        extra = visible.filter(_contains_every("text", words)).exclude(pk__in=seen).order_by("title")
        return found + [(entry, 0.0) for entry in extra[:limit]]
    return [(entry, 0.0) for entry in visible.filter(_contains_every("text", words)).order_by("title")[:limit]]


def search(user: Any, query: str, limit: int = 50) -> list[Hit]:
    """What the user may see that matches every word of the query, best matches first."""
    words = query_words(query)
    if not words:
        return []
    key = " ".join(words)
    hits: dict[str, Hit] = {}

    def add(hit: Hit) -> None:
        # The best match stands alone, with its own reason: a role found by its name is not labelled with
        # whichever of its many titles also matched.
        current = hits.get(hit.url)
        if current is None or hit.sort_key() < current.sort_key():
            hits[hit.url] = hit

    for entry, rank in _entries(user, query, words, limit * 3):
        tier = _name_tier(key, words, entry.title) if entry.kind == "role" else None
        if tier is None and entry.kind != "role" and _starts_words(words, entry.title):
            tier = 2
        add(Hit(entry.kind, entry.title, entry.url, 4 if tier is None else tier, rank))

    # Aliases: national ones (approved) and the user's own trusts' (the policy's visible rows).
    aliases = policy.visible(user, RoleAlias.objects.filter(status=RoleAlias.APPROVED)).filter(
        _contains_every("normalised", words)
    )
    for alias in aliases.select_related("role", "trust").order_by("title")[: limit * 3]:
        tier = _title_tier(key, words, alias.title)
        if tier is None:
            continue
        owner = f" at {alias.trust.name}" if alias.trust_id else ""
        add(_role_hit(alias.role, tier, f"Also called ‘{alias.title}’{owner}"))

    for source in title_sources():
        for local in source(user, words):
            tier = _title_tier(key, words, local.title)
            if tier is None:
                continue
            note = f"‘{local.title}’ at {local.trust_name}"
            if local.role is not None:
                add(_role_hit(local.role, tier, f"Called {note}"))
            elif local.url:
                unmatched = f"Used at {local.trust_name}; not yet matched to a role"
                add(Hit("local_title", local.title, local.url, tier, note=unmatched))

    return sorted(hits.values(), key=Hit.sort_key)[:limit]


def _role_hit(role: Role, tier: int, note: str) -> Hit:
    return Hit("role", role.name, role.get_absolute_url(), tier, note=note)


# The index -------------------------------------------------------------------------------------


def _index(*, kind: str, object_id: int, trust_id: int | None, shared: bool, title: str, url: str, text: str) -> None:
    # The index is derived from the audited rows it describes: the system keeps it, through the audited
    # writes like every row, whoever made the change that needs it.
    values = {"trust_id": trust_id, "is_shared": shared, "title": title[:300], "url": url, "text": text.lower()}
    entry = SearchEntry.objects.filter(kind=kind, object_id=object_id).first()
    if entry is None:
        create_row(policy.SYSTEM, SearchEntry(kind=kind, object_id=object_id, **values), message="search index")
    elif any(getattr(entry, k) != v for k, v in values.items()):
        update_row(policy.SYSTEM, entry, values, message="search index")


def unindex(entries: Any) -> None:
    for entry in entries:
        delete_row(policy.SYSTEM, entry, message="search index")


def reindex_role(role: Role) -> None:
    # National approved aliases only: the index is shared by everyone, and a trust's own aliases are
    # searched (by who may see them) in roles/search.py.
    aliases = " ".join(role.aliases.filter(trust=None, status=RoleAlias.APPROVED).values_list("title", flat=True))
    text = " ".join(
        [
            role.name,
            role.slug.replace("_", " "),
            aliases,
            role.pen_what,
            role.pen_why,
            role.pen_challenges,
            role.newness_reason,
            role.training_note,
        ]
    )
    _index(
        kind="role",
        object_id=role.pk,
        trust_id=None,
        shared=True,
        title=role.name,
        url=role.get_absolute_url(),
        text=text,
    )


def reindex_pack(pack: RolePack) -> None:
    text = " ".join([pack.title, pack.role.name, *pack.components.values_list("text", flat=True)])
    shared = pack.is_national or pack.is_shared
    if pack.is_national and not pack.is_current:
        unindex(SearchEntry.objects.filter(kind="pack", object_id=pack.pk))
        return
    if pack.is_national:
        unindex(
            SearchEntry.objects.filter(
                kind="pack", object_id__in=pack.role.packs.filter(trust=None, is_current=False).values("pk")
            )
        )
    _index(
        kind="pack",
        object_id=pack.pk,
        trust_id=pack.trust_id,
        shared=shared,
        title=str(pack.title),
        url=pack.get_absolute_url(),
        text=text,
    )


def reindex_document(document: SharedDocument) -> None:
    version = document.current
    text = " ".join([document.title, document.get_doc_type_display(), version.text if version else ""])
    _index(
        kind="document",
        object_id=document.pk,
        trust_id=document.trust_id,
        shared=document.sharing != SharedDocument.PRIVATE,
        title=document.title,
        url=document.get_absolute_url(),
        text=text,
    )
