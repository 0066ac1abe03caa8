"""Pages for notices: curators write, send and follow them; the members of the trusts they reach read them
and mark them read. Who may read a notice is decided by `notices.visible_notices` alone."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from newroles.accounts import policy
from newroles.lib.forms import form_copy
from newroles.lib.markdown import render_markdown
from newroles.mapping import notices
from newroles.mapping.forms import NoticeForm
from newroles.mapping.models import Notice

PAGE_SIZE = 25


def _require_curator(request: HttpRequest) -> None:
    if not policy.is_curator(request.user):
        raise PermissionDenied("Only the research team and administrators write notices.")


def _visible(request: HttpRequest, pk: int) -> Notice:
    """The notice if the user may read it, else 404 (a notice to other trusts does not exist for them)."""
    qs = notices.visible_notices(request.user).select_related("region", "role", "author")
    return get_object_or_404(qs, pk=pk)


def notice_list(request: HttpRequest) -> HttpResponse:
    is_curator = policy.is_curator(request.user)
    qs = notices.with_read_mark(request.user, notices.visible_notices(request.user).select_related("region", "role"))
    if is_curator:
        qs = notices.with_reach(qs)
    page = Paginator(notices.drafts_first(qs), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "mapping/notices.html", {"page": page, "is_curator": is_curator})


def notice(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _visible(request, pk)
    is_curator = policy.is_curator(request.user)
    addressed = notices.addressed_to(request.user).filter(pk=obj.pk).exists()
    context = {
        "notice": obj,
        "body": render_markdown(obj.body),
        "trusts": notices.addressees(obj),
        "is_curator": is_curator,
        "is_addressee": addressed,
        "is_read": addressed and obj.reads.filter(user=request.user).exists(),
    }
    if is_curator and obj.is_sent:
        context["reach"] = notices.with_reach(Notice.objects.filter(pk=obj.pk)).get()
    return render(request, "mapping/notice.html", context)


@require_http_methods(["GET", "POST"])
def notice_create(request: HttpRequest) -> HttpResponse:
    _require_curator(request)
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = notices.create_notice(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Draft saved. Check who it reaches, then send it.")
            return redirect(created)
    return render(request, "mapping/notice_form.html", {"form": form, "notice": None})


def _draft(request: HttpRequest, pk: int) -> Notice:
    _require_curator(request)
    obj = _visible(request, pk)
    if obj.is_sent:
        raise PermissionDenied("This notice has been sent: it can no longer be changed.")
    return obj


@require_http_methods(["GET", "POST"])
def notice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _draft(request, pk)
    form = NoticeForm(request.POST or None, instance=form_copy(obj))
    if request.method == "POST" and form.is_valid():
        try:
            notices.update_notice(actor=request.user, notice=obj, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Draft saved.")
            return redirect(obj)
    return render(request, "mapping/notice_form.html", {"form": form, "notice": obj})


@require_POST
def notice_send(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _draft(request, pk)
    try:
        sent = notices.send_notice(actor=request.user, notice=obj)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        count = sent.trusts.count()
        messages.success(request, f"Notice sent to {count} trust{'s' if count != 1 else ''}.")
    return redirect(obj)


@require_POST
def notice_delete(request: HttpRequest, pk: int) -> HttpResponse:
    obj = _draft(request, pk)
    notices.delete_notice(actor=request.user, notice=obj)
    messages.success(request, "Draft removed.")
    return redirect("mapping:notices")


@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a notice read (it leaves the home page), then go back where the reader was."""
    obj = _visible(request, pk)
    notices.mark_read(actor=request.user, notice=obj)
    messages.success(request, f"Marked '{obj.title}' as read.")
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        return redirect(back)
    return redirect(obj)
