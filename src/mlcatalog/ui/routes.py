"""HTTP side of the UI: parse the request, gather the page through views, render a template."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from mlcatalog.api.deps import actor, services
from mlcatalog.errors import CatalogError, InvalidInput
from mlcatalog.ui import auth, curate, views
from mlcatalog.ui.data import FACETS, CatalogData
from mlcatalog.ui.render import entity_url, make_templates

router = APIRouter(include_in_schema=False)
router.mount("/ui/static", StaticFiles(directory=Path(__file__).parent / "static"), name="ui-static")
templates = make_templates()


def page(request: Request, template: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    base = {
        "signed_in": bool(request.cookies.get(auth.COOKIE)),
        "auth_enabled": bool(getattr(request.app.state, "auth_enabled", False)),
    }
    return templates.TemplateResponse(request, template, {**base, **context}, status_code=status)


def error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    return page(request, "error.html", {"title": title, "message": message}, status)


def refusal_page(request: Request, status: int, message: str) -> HTMLResponse:
    """What a browser sees when authentication refuses a UI request it could not redirect."""
    return error_page(request, status, "Not allowed", message or "Your token does not allow this.")


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return page(request, "home.html", views.home(CatalogData(services(request))))


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, query: str = "") -> HTMLResponse:
    filters = {name: request.query_params.getlist(name) for name in FACETS if request.query_params.getlist(name)}
    requested = request.query_params.get("page") or "1"
    number = max(int(requested), 1) if requested.isdigit() else 1
    return page(request, "search.html", views.search(CatalogData(services(request)), query, filters, number))


@router.get("/ui/suggest")
def suggest(request: Request, q: str = "") -> JSONResponse:
    found = CatalogData(services(request)).autocomplete(q)
    return JSONResponse([{"name": s.name, "type": s.type_label, "url": entity_url(s.urn)} for s in found])


@router.get("/entity/{urn:path}", response_class=HTMLResponse)
def entity(request: Request, urn: str) -> HTMLResponse:
    return entity_page(request, urn)


def entity_page(request: Request, urn: str, error: CatalogError | None = None) -> HTMLResponse:
    context = views.entity(CatalogData(services(request)), urn)
    if context is None:
        return error_page(request, 404, "Not found", f"No entity {urn} in this catalog.")
    context["error"] = error
    context["saved"] = request.query_params.get("saved")
    return page(request, "entity.html", context, error.status if error else 200)


@router.post("/curate/{action}")
async def curate_action(request: Request, action: str) -> Response:
    if not _same_origin(request):
        return error_page(request, 403, "Refused", "This form was sent from another site.")
    form = auth.parse_form(await request.body())
    return await run_in_threadpool(_curate, request, action, form)


def _curate(request: Request, action: str, form: dict[str, str]) -> Response:
    urn = form.get("urn", "")
    target = CatalogData(services(request)).summary(urn)
    if action not in curate.ACTIONS or target is None:
        return error_page(request, 404, "Not found", f"Nothing to {action} on {urn or 'an empty URN'}.")
    build, section = curate.ACTIONS[action]
    try:
        proposals = build(urn, target.entity_type, form, actor(request))
        services(request).ingest.ingest(proposals, actor=actor(request))
    except CatalogError as exc:
        return entity_page(request, urn, error=exc)
    return RedirectResponse(f"{entity_url(urn)}?saved={action}#{section}", status_code=303)


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    return origin is None or urlparse(origin).netloc == request.headers.get("host")


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/", expired: str = "") -> HTMLResponse:
    note = "Your token was not accepted; sign in again." if expired else None
    return page(request, "login.html", {"next": auth.safe_next(next), "error": note})


@router.post("/login")
async def login(request: Request) -> Response:
    form = auth.parse_form(await request.body())
    token = form.get("token", "").strip()
    try:
        if not token:
            raise InvalidInput("token: paste an access token", field="token")
        await run_in_threadpool(services(request).tokens.authenticate, token)
    except CatalogError as exc:
        message = exc.message if exc.message.startswith("token") else f"token: not accepted ({exc.message})"
        return page(request, "login.html", {"next": auth.safe_next(form.get("next")), "error": message}, 422)
    response = RedirectResponse(auth.safe_next(form.get("next")), status_code=303)
    secure = auth.cookie_is_secure(request.url.scheme, request.headers.get("host", ""))
    response.set_cookie(auth.COOKIE, token, httponly=True, secure=secure, samesite="strict", max_age=7 * 24 * 3600)
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(auth.COOKIE, httponly=True, samesite="strict")
    return response
