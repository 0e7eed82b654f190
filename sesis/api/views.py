"""The pages where tokens are made and revoked: personal tokens on My profile,
service tokens under Administration (administrators only). A new token is shown
once, on the page that made it, and never again."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from sesis.access.http import AuthedRequest, administrator_required
from sesis.api.actions import api_token_create, api_token_revoke
from sesis.api.forms import PersonalTokenForm, ServiceTokenForm
from sesis.api.models import ApiToken, TokenKind
from sesis.lib.errors import ActionRefused
from sesis.lib.http import form_data, paginate


@require_http_methods(["GET", "POST"])
def personal_tokens(request: AuthedRequest) -> HttpResponse:
    form = PersonalTokenForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            new = api_token_create(actor=request.user, kind=TokenKind.PERSONAL, **form.cleaned_data)
        except ActionRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            return render(request, "api/token_created.html", {"new": new, "back": "personal_tokens"})
    tokens = ApiToken.objects.filter(staff=request.user, kind=TokenKind.PERSONAL, revoked_at__isnull=True)
    return render(request, "api/personal_tokens.html", {"form": form, "tokens": tokens})


@require_http_methods(["GET", "POST"])
@administrator_required
def service_tokens(request: AuthedRequest) -> HttpResponse:
    form = ServiceTokenForm(form_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            new = api_token_create(actor=request.user, kind=TokenKind.SERVICE, **form.cleaned_data)
        except ActionRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            return render(request, "api/token_created.html", {"new": new, "back": "service_tokens"})
    tokens = ApiToken.objects.filter(kind=TokenKind.SERVICE).select_related("staff", "revoked_by")
    context = {"form": form, "page": paginate(request, tokens), "query": "", "current": "api_tokens"}
    return render(request, "api/service_tokens.html", context)


@require_POST
def revoke_token(request: AuthedRequest, pk: int) -> HttpResponse:
    """Revoke a token: one's own personal token, or, for an administrator, any."""
    tokens = ApiToken.objects.all() if request.scope.sees_everything else ApiToken.objects.filter(staff=request.user)
    token = tokens.filter(pk=pk).first()
    if token is None:
        raise Http404("No such token.")
    try:
        api_token_revoke(actor=request.user, token=token)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"Revoked: {token.name}. It no longer works.")
    return redirect("service_tokens" if token.kind == TokenKind.SERVICE else "personal_tokens")


def try_it(request: AuthedRequest) -> HttpResponse:
    """The reference page's Try it forms: drop the fields left blank (the API refuses an
    empty value as malformed) and open the read operation with the rest."""
    path = request.GET.get("operation", "")
    if not path.startswith("/api/v1/") or path not in _readable_paths():
        raise Http404("No such API operation.")
    params = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        kept = [value for value in values if value.strip()]
        if name != "operation" and kept:
            params.setlist(name, kept)
    return redirect(f"{path}?{params.urlencode()}" if params else path)


def _readable_paths() -> set[str]:
    from sesis.api.main import api

    schema = api.get_openapi_schema(path_params={})
    return {path for path, item in schema["paths"].items() if "get" in item and "{" not in path}
