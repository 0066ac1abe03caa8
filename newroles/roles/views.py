"""Pages for the catalogue, role packs, shared documents, search and compare."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from newroles.accounts import policy
from newroles.lib.documents import CONTENT_TYPES, DocumentError
from newroles.lib.exports import download
from newroles.lib.forms import form_copy
from newroles.lib.markdown import render_markdown
from newroles.lib.tabular import too_large_message
from newroles.organisations.models import Trust
from newroles.roles import pack_exchange, packdocx, services
from newroles.roles import search as role_search
from newroles.roles.crosswalk import crosswalk
from newroles.roles.filters import DocumentFilter, RoleFilter
from newroles.roles.forms import (
    AdoptForm,
    ComponentDocxForm,
    DocumentSharingForm,
    DocumentUploadForm,
    PackReviewForm,
    PackZipForm,
    RoleForm,
    VersionForm,
)
from newroles.roles.models import (
    ROLE_EDITABLE_FIELDS,
    DocumentVersion,
    PackComponent,
    PackReviewFlag,
    Role,
    RoleAlias,
    RoleCode,
    RolePack,
    SharedDocument,
)

MAX_COMPARE = 3


def _editable_trusts(user: Any):  # type: ignore[no-untyped-def]
    if policy.is_admin(user):
        return Trust.objects.filter(status=Trust.ACTIVE)
    return policy.editor_trusts(user)


# Catalogue ----------------------------------------------------------------------------------------


def catalogue(request: HttpRequest) -> HttpResponse:
    filterset = RoleFilter(request.GET, queryset=Role.objects.all())
    roles = filterset.qs
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return _export_catalogue(request.GET.get("table", "roles"), fmt)
    return render(
        request,
        "roles/catalogue.html",
        {
            "filter": filterset,
            "new_roles": [r for r in roles if r.is_new],
            "established": [r for r in roles if not r.is_new],
            "is_curator": policy.is_curator(request.user),
        },
    )


def _export_catalogue(table: str, fmt: str) -> HttpResponse:
    if table == "aliases":
        headers = ["role", "title", "kind", "in_training", "status"]
        rows = (
            [a.role.slug, a.title, a.kind, a.in_training, a.status]
            for a in RoleAlias.objects.filter(trust=None).select_related("role")
        )
    elif table == "codes":
        headers = ["role", "system", "code", "label", "in_training", "valid_from", "valid_to"]
        rows = (
            [c.role.slug, c.system, c.code, c.label, c.in_training, c.valid_from or "", c.valid_to or ""]
            for c in RoleCode.objects.select_related("role")
        )
    else:
        table = "roles"
        headers = list(ROLE_EXPORT_FIELDS)
        rows = ([_export_value(getattr(r, f)) for f in ROLE_EXPORT_FIELDS] for r in Role.objects.all())
    return download(f"catalogue-{table}", headers, rows, fmt)


ROLE_EXPORT_FIELDS = ("slug", *ROLE_EDITABLE_FIELDS)


def _export_value(value: Any) -> Any:
    if isinstance(value, list):
        return ", ".join(value)
    if value is None:
        return ""
    return str(value) if not isinstance(value, bool | int | float) else value


def role_detail(request: HttpRequest, slug: str) -> HttpResponse:
    role = get_object_or_404(Role, slug=slug)
    user = request.user
    national = role.packs.filter(trust=None, is_current=True).first()
    return render(
        request,
        "roles/role.html",
        {
            "role": role,
            "aliases": policy.visible(user, role.aliases.select_related("trust")).order_by("trust", "title"),
            "codes": role.codes.all(),
            "national_pack": national,
            "trust_packs": policy.visible(user, role.packs.exclude(trust=None).select_related("trust")),
            "documents": policy.visible(user, role.documents.select_related("trust")),
            "pen": {k: render_markdown(getattr(role, f"pen_{k}")) for k in ("what", "why", "challenges")},
            "is_curator": policy.is_curator(user),
            "can_adopt": national is not None and _editable_trusts(user).exists(),
            # Page panels get this context; "roles.role.coding" is shown with the coding proposal.
            "coding": crosswalk().for_role(role.slug),
        },
    )


@require_http_methods(["GET", "POST"])
def role_edit(request: HttpRequest, slug: str) -> HttpResponse:
    role = get_object_or_404(Role, slug=slug)
    if not policy.is_curator(request.user):
        raise PermissionDenied("Only national curators change the catalogue.")
    form = RoleForm(request.POST or None, instance=form_copy(role))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_role(actor=request.user, slug=role.slug, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{role.name} saved.")
            return redirect(role)
    return render(request, "roles/role_form.html", {"role": role, "form": form})


def compare(request: HttpRequest) -> HttpResponse:
    slugs = [s for s in request.GET.getlist("roles") if s][:MAX_COMPARE]
    by_slug = {r.slug: r for r in Role.objects.filter(slug__in=slugs)}
    chosen = [by_slug[s] for s in slugs if s in by_slug]
    return render(
        request,
        "roles/compare.html",
        {"chosen": chosen, "all_roles": Role.objects.all(), "slots": range(MAX_COMPARE), "slugs": slugs},
    )


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    results = role_search.search(request.user, query) if query else []
    return render(request, "roles/search.html", {"query": query, "results": results})


# Packs --------------------------------------------------------------------------------------------


def packs(request: HttpRequest) -> HttpResponse:
    """The current national packs with their review dates; curators also get the list of packs due for
    review (past their date, or flagged because regulation or national guidance changed)."""
    national = RolePack.objects.filter(trust=None, is_current=True).select_related("role").order_by("role__name")
    curator = policy.is_curator(request.user)
    flags: dict[int, list[PackReviewFlag]] = defaultdict(list)
    if curator:
        for flag in PackReviewFlag.objects.filter(resolved_at=None).order_by("flagged_at"):
            flags[flag.role_id].append(flag)
    today = timezone.localdate()
    rows = [
        {"pack": p, "overdue": curator and p.review_overdue(today), "flags": flags.get(p.role_id, [])} for p in national
    ]
    due = [row for row in rows if row["overdue"] or row["flags"]]
    return render(request, "roles/packs.html", {"rows": rows, "due": due, "is_curator": curator})


SOURCES_HEADING = re.compile(r"^### Sources[ \t]*$", re.MULTILINE)


def _body_and_sources(text: str) -> tuple[str, str]:
    """A component's Markdown split at its '### Sources' heading, so the page shows the sources last,
    after the career steps or job profile that follow the text."""
    parts = SOURCES_HEADING.split(text, maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else (text, "")


def pack_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pack = policy.get_for_user(request.user, RolePack.objects.select_related("role", "trust", "adopted_from"), pk=pk)
    components = sorted(pack.components.all(), key=lambda c: c.order)
    rendered = []
    for c in components:
        body, sources = _body_and_sources(c.text)
        rendered.append((c, render_markdown(body), render_markdown(sources) if sources.strip() else ""))
    user = request.user
    copies: list[RolePack] = []
    can_adopt = False
    if pack.is_national:
        trusts = _editable_trusts(user)
        copies = list(_adopted_copies(pack, trusts))
        can_adopt = trusts.exclude(pk__in=[c.trust_id for c in copies]).exists()
    context = {
        "pack": pack,
        "components": rendered,
        "can_edit": policy.can_edit_pack(user, pack),
        "can_adopt": can_adopt,
        "your_copies": copies,
        "documents": policy.visible(user, pack.documents.all()),
        "older_versions": pack.role.packs.filter(trust=None).exclude(pk=pack.pk) if pack.is_national else [],
        "review_flags": pack.role.review_flags.filter(resolved_at=None) if pack.is_national else [],
        "review_overdue": pack.review_overdue(),
        "review_form": (PackReviewForm() if pack.is_national and pack.is_current and policy.is_curator(user) else None),
        "newer_national": (
            pack.adopted_from.role.packs.filter(trust=None, is_current=True)
            .exclude(version=pack.adopted_version)
            .first()
            if pack.adopted_from
            else None
        ),
    }
    return render(request, "roles/pack.html", context)


@require_POST
def pack_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A curator records that the national pack was checked: its next review date; open flags close."""
    pack = policy.get_for_user(request.user, RolePack, pk=pk)
    if not (pack.is_national and policy.is_curator(request.user)):
        raise PermissionDenied("Only national curators record a review of a national pack.")
    form = PackReviewForm(request.POST)
    if form.is_valid():
        try:
            services.record_pack_review(actor=request.user, pack=pack, review_by=form.cleaned_data["review_by"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Review recorded: next review by {form.cleaned_data['review_by']:%-d %B %Y}.")
    else:
        messages.error(request, " ".join(form.errors["review_by"]))
    return redirect(pack)


def _adopted_copies(pack: RolePack, trusts: Any) -> Any:
    """The copies of this role's national pack that the given trusts adopted (one each at most)."""
    return RolePack.objects.filter(role=pack.role, trust__in=trusts, adopted_from__isnull=False).select_related("trust")


@require_http_methods(["GET", "POST"])
def pack_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    pack = policy.get_for_user(request.user, RolePack, pk=pk)
    trusts = _editable_trusts(request.user).order_by("name")
    if not pack.is_national or not trusts.exists():
        raise PermissionDenied("Only a trust's editors adopt national packs.")
    copies = {c.trust_id: c for c in _adopted_copies(pack, trusts)}
    if request.method == "POST":
        form = AdoptForm(trusts, request.POST)
        if form.is_valid():
            trust = form.cleaned_data["trust"]
            if trust.pk in copies:
                messages.info(request, f"{trust.name} already has a copy of this pack. This is it.")
                return redirect(copies[trust.pk])
            copy = services.adopt_pack(actor=request.user, pack=pack, trust=trust)
            messages.success(request, f"Adopted for {copy.trust.name} as a draft you can adapt.")
            return redirect(copy)
    else:
        open_trusts = trusts.exclude(pk__in=list(copies))
        if not open_trusts.exists():
            # Every trust the user edits has its copy: there is nothing to adopt, so open theirs.
            return redirect(next(iter(copies.values())))
        form = AdoptForm(open_trusts)
    return render(request, "roles/adopt.html", {"pack": pack, "form": form})


@require_POST
def pack_share(request: HttpRequest, pk: int) -> HttpResponse:
    pack = policy.get_for_user(request.user, RolePack, "change", pk=pk)
    services.update_pack(actor=request.user, pack=pack, is_shared=request.POST.get("shared") == "yes")
    messages.success(request, "Sharing updated.")
    return redirect(pack)


def pack_export(request: HttpRequest, pk: int) -> HttpResponse:
    pack = policy.get_for_user(request.user, RolePack.objects.select_related("role"), pk=pk)
    data = pack_exchange.export_pack_zip(pack, request.user)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{packdocx.file_stem(pack)}.zip"'
    return response


def _docx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=packdocx.DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def pack_export_docx(request: HttpRequest, pk: int) -> HttpResponse:
    pack = policy.get_for_user(request.user, RolePack.objects.select_related("role", "trust"), pk=pk)
    return _docx_response(packdocx.pack_docx(pack), f"{packdocx.file_stem(pack)}.docx")


def component_export_docx(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    pack = policy.get_for_user(request.user, RolePack.objects.select_related("role", "trust"), pk=pk)
    component = get_object_or_404(PackComponent.objects.select_related("pack"), pack=pack, key=key)
    component.pack = pack
    name = f"{packdocx.file_stem(pack)}-{key.replace('_', '-')}.docx"
    return _docx_response(packdocx.component_docx(component), name)


@require_http_methods(["GET", "POST"])
def component_import(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """Replace a component's text with a Word document's (the pack's owners)."""
    pack = policy.get_for_user(request.user, RolePack.objects.select_related("role", "trust"), pk=pk)
    if not policy.can_edit_pack(request.user, pack):
        raise PermissionDenied("Only the pack's owners import into it.")
    component = get_object_or_404(PackComponent, pack=pack, key=key)
    form = ComponentDocxForm(request.POST, request.FILES) if request.method == "POST" else ComponentDocxForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.MAX_UPLOAD_BYTES:
            form.add_error("file", too_large_message(upload.size, settings.MAX_UPLOAD_BYTES))
        else:
            try:
                result = packdocx.import_component_docx(actor=request.user, component=component, data=upload.read())
            except packdocx.DocxImportError as exc:
                form.add_error("file", str(exc))
            else:
                label = component.get_key_display()
                if result.pk != pack.pk:
                    messages.success(request, f"{label} imported as version {result.version} of the national pack.")
                else:
                    messages.success(request, f"{label} imported from {upload.name}. Check it reads as you expect.")
                return redirect(f"{result.get_absolute_url()}#{key}")
    return render(request, "roles/component_import.html", {"pack": pack, "component": component, "form": form})


@require_http_methods(["GET", "POST"])
def pack_import(request: HttpRequest) -> HttpResponse:
    user = request.user
    trusts = _editable_trusts(user).order_by("name")
    curator = policy.is_curator(user)
    if not curator and not trusts.exists():
        raise PermissionDenied("Only curators and trust editors import packs.")
    form = PackZipForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        code = request.POST.get("trust", "")
        trust = trusts.filter(ods_code=code).first() if code else None
        if trust is None and not curator:
            form.add_error(None, "Choose the trust the pack is for.")
        else:
            try:
                pack = pack_exchange.import_pack_zip(actor=user, data=form.cleaned_data["file"].read(), trust=trust)
            except (pack_exchange.PackZipError, ValidationError) as exc:
                form.add_error("file", str(exc) if isinstance(exc, pack_exchange.PackZipError) else exc)
            else:
                messages.success(request, f"Imported {pack.title}.")
                return redirect(pack)
    return render(request, "roles/pack_import.html", {"form": form, "trusts": trusts, "curator": curator})


def adoptions(request: HttpRequest, slug: str) -> HttpResponse:
    role = get_object_or_404(Role, slug=slug)
    if not policy.is_curator(request.user):
        raise PermissionDenied("The adoption list is for national curators.")
    copies = role.packs.exclude(trust=None).select_related("trust", "adopted_from").order_by("trust__name")
    return render(request, "roles/adoptions.html", {"role": role, "copies": copies})


# Documents ----------------------------------------------------------------------------------------


def documents(request: HttpRequest) -> HttpResponse:
    qs = policy.visible(request.user, SharedDocument.objects.select_related("trust", "role"))
    filterset = DocumentFilter(request.GET, queryset=qs)
    return render(
        request,
        "roles/documents.html",
        {"filter": filterset, "documents": filterset.qs, "can_upload": _editable_trusts(request.user).exists()},
    )


@require_http_methods(["GET", "POST"])
def document_upload(request: HttpRequest) -> HttpResponse:
    trusts = _editable_trusts(request.user).order_by("name")
    code = request.GET.get("trust") or request.POST.get("trust") or ""
    trust = trusts.filter(ods_code=code).first() if code else (trusts.first() if trusts.count() == 1 else None)
    if not trusts.exists():
        raise PermissionDenied("Only a trust's editors upload documents.")
    if code and trust is None:
        raise PermissionDenied("You may not upload documents for this trust.")
    initial = {"role": request.GET.get("role")}
    form = DocumentUploadForm(request.POST or None, request.FILES or None, initial=initial)
    pack = None
    if request.GET.get("pack"):
        pack = policy.get_for_user(request.user, RolePack, pk=request.GET["pack"])
    if request.method == "POST" and form.is_valid():
        if trust is None:
            form.add_error(None, "Choose the trust that owns the document.")
        else:
            upload = form.cleaned_data.pop("file")
            if upload.size > settings.MAX_UPLOAD_BYTES:  # before reading, so a huge file is never loaded
                form.add_error("file", too_large_message(upload.size, settings.MAX_UPLOAD_BYTES))
            else:
                try:
                    document = services.upload_document(
                        actor=request.user,
                        trust=trust,
                        data=upload.read(),
                        filename=upload.name,
                        pack=pack,
                        **form.cleaned_data,
                    )
                except DocumentError as exc:
                    form.add_error("file", str(exc))
                else:
                    messages.success(request, f"'{document.title}' uploaded.")
                    return redirect(document)
    return render(request, "roles/document_upload.html", {"form": form, "trusts": trusts, "trust": trust, "pack": pack})


def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = policy.get_for_user(request.user, SharedDocument.objects.select_related("trust", "role"), pk=pk)
    can_edit = policy.can_own_document(request.user, document.trust)
    return render(
        request,
        "roles/document.html",
        {
            "document": document,
            "versions": document.versions.all(),
            "can_edit": can_edit,
            "sharing_form": DocumentSharingForm(instance=document) if can_edit else None,
            "version_form": VersionForm() if can_edit else None,
        },
    )


@require_POST
def document_change(request: HttpRequest, pk: int) -> HttpResponse:
    document = policy.get_for_user(request.user, SharedDocument, pk=pk)
    if not policy.can_own_document(request.user, document.trust):
        raise PermissionDenied("Only the owner's editors change this document.")
    form = DocumentSharingForm(request.POST, instance=form_copy(document))
    if form.is_valid():
        try:
            services.update_document(actor=request.user, document=document, **form.cleaned_data)
            messages.success(request, "Document saved.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, "Check the title and sharing level.")
    return redirect(document)


@require_POST
def document_version(request: HttpRequest, pk: int) -> HttpResponse:
    document = policy.get_for_user(request.user, SharedDocument, pk=pk)
    if not policy.can_own_document(request.user, document.trust):
        raise PermissionDenied("Only the owner's editors add versions.")
    form = VersionForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            version = services.add_document_version(
                actor=request.user, document=document, data=upload.read(), filename=upload.name
            )
            messages.success(request, f"Version {version.number} uploaded.")
        except DocumentError as exc:
            messages.error(request, str(exc))
    return redirect(document)


@require_POST
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = policy.get_for_user(request.user, SharedDocument, pk=pk)
    if not policy.can_own_document(request.user, document.trust):
        raise PermissionDenied("Only the owner's editors remove this document.")
    services.delete_document(actor=request.user, document=document)
    messages.success(request, "Document removed.")
    return redirect("roles:documents")


def _file_response(version: DocumentVersion) -> FileResponse:
    path = services.document_path(version)
    if not path.exists():
        raise Http404("The file is missing from storage.")
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=version.original_name,
        content_type=CONTENT_TYPES.get(version.file_type, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def document_download(request: HttpRequest, pk: int, number: int | None = None) -> FileResponse:
    document = policy.get_for_user(request.user, SharedDocument, pk=pk)
    version = document.versions.filter(number=number).first() if number else document.current
    if version is None:
        raise Http404("No such version.")
    return _file_response(version)


def public_document(request: HttpRequest, pk: int) -> FileResponse:
    """Download of a document its owner made public; works without signing in."""
    document = get_object_or_404(SharedDocument, pk=pk, sharing=SharedDocument.PUBLIC)
    version = document.current
    if version is None:
        raise Http404("No file.")
    return _file_response(version)
