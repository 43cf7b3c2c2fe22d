"""The Starlette app: /graphql, /healthz, the outbox worker, and Tortoise in the lifespan."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import orjson
from cross_web import HTTPException
from graphql import FieldNode, GraphQLError, OperationType, get_operation_ast, parse
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET
from tortoise import connections
from tortoise.context import get_current_context
from tortoise.contrib.starlette import RegisterTortoise

from demo import DEMO_PASSWORD, STAFF
from models import User
from resolvers.core import mail
from resolvers.core.context import Context, InvalidKey, authenticate, locale_from_header
from resolvers.core.errors import UNAVAILABLE_MESSAGE, is_unavailable
from resolvers.core.i18n import tr, use_locale
from resolvers.core.logs import RequestIdMiddleware, install_record_factory
from resolvers.core.ratelimit import Budgets
from resolvers.scan_list import printing as scan_print
from resolvers.webhook import delivery as webhooks
from schema import build_schema
from schema.core.limits import finish_error
from settings import ROOT, Settings, get_settings, tortoise_config

log = logging.getLogger("app")
MAX_BODY = 1024 * 1024
#: Our GraphiQL page and its committed npm files (static/graphiql/README.md).
GRAPHIQL = ROOT / "static" / "graphiql"
#: The page loads only its own files: a CDN reference would fail here, not silently go out.
GRAPHIQL_CSP = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'"
)
#: Answers may hold prices and personal data: never cached; JSON is never sniffed as HTML.
GRAPHQL_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


class RequestError(HTTPException):
    """A request refused before GraphQL sees it, answered as a GraphQL error body with a code."""

    def __init__(self, reason: str, code: str = "BAD_USER_INPUT", status: int = 400) -> None:
        super().__init__(status, reason)
        self.code = code


class GraphQLApp(GraphQL[Context, None]):
    def __init__(self, settings: Settings) -> None:
        super().__init__(
            build_schema(production=settings.production, differential=settings.graphql_differential),
            graphql_ide=None if settings.production else "graphiql",
            allow_queries_via_get=False,
        )
        self.settings = settings
        self.budgets = Budgets(settings.rate_limit_storage_url, settings.rate_limit_requests, settings.rate_limit_cost)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        locale = use_locale(locale_from_header(request.headers.get("accept-language")))
        try:
            session = await authenticate(request.headers.get("authorization"))
        except InvalidKey:
            raise RequestError(tr("This API key is unknown, revoked or expired."), "UNAUTHENTICATED", 401) from None
        return Context(
            settings=self.settings,
            session=session,
            locale=locale,
            request=request,
            response=response,
            budgets=self.budgets,
        )

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def render_graphql_ide(self, request: Request) -> Response:
        """Our page instead of Strawberry's, which loads GraphiQL from a CDN (blank offline)."""
        return HTMLResponse(
            (GRAPHIQL / "index.html").read_text(encoding="utf-8"),
            headers={"Content-Security-Policy": GRAPHIQL_CSP, "Cache-Control": "no-store"},
        )

    def decode_json(self, data: str | bytes) -> object:
        try:
            value = json.loads(data)
        except RecursionError:
            raise RequestError("The request body nests too deeply.", "LIMIT_EXCEEDED") from None
        except ValueError:  # JSONDecodeError, or UnicodeDecodeError for a body that is not UTF-8
            raise RequestError("The request body is not valid JSON in UTF-8.") from None
        if not isinstance(value, dict | list):  # a list is refused as a batch
            raise RequestError("The request body must be a JSON object with a `query`.")
        return value

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        """Strawberry's refusals (bad body, batch, wrong method) as JSON with a code; the database
        unavailable (resolvers.core.errors.is_unavailable) as HTTP 503 with Retry-After when nothing of
        the document was done (see _nothing_done), so sending it again is safe; the
        GRAPHQL_HEADERS on every answer."""
        try:
            response = await super().run(request, context, root_value)
        except HTTPException as e:
            code = getattr(e, "code", "NOT_FOUND" if e.status_code == 404 else "BAD_USER_INPUT")
            error = {"message": e.reason, "extensions": {"code": code}}
            response = Response(self.encode_json({"errors": [error]}), e.status_code, media_type="application/json")
        except Exception as error:  # before execution, e.g. reading the session in get_context
            if not is_unavailable(error):
                raise
            log.warning("database unavailable before execution: %r", error)
            body = {
                "data": None,
                "errors": [{"message": tr(UNAVAILABLE_MESSAGE), "extensions": {"code": "UNAVAILABLE"}}],
            }
            response = Response(self.encode_json(body), 503, {"Retry-After": RETRY_AFTER}, "application/json")
        else:
            if b'"UNAVAILABLE"' in getattr(response, "body", b""):  # rare (no body when streamed): check precisely
                sent = await request.json()
                if _nothing_done(orjson.loads(response.body), sent.get("query"), sent.get("operationName")):
                    response.status_code = 503
                    response.headers["Retry-After"] = RETRY_AFTER
        response.headers.update(GRAPHQL_HEADERS)
        return response

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        if result.errors:
            result.errors = [finish_error(e, self.settings.production) for e in result.errors]
        return await super().process_result(request, result)


RETRY_AFTER = "5"


def _nothing_done(body: Any, document: str | None, operation_name: str | None) -> bool:
    """An answer whose errors are all UNAVAILABLE did nothing when no root field has data and, in
    a mutation, the failed field is the first one: root mutation fields run one after the other
    and execution stops at a failed one, so only the fields before it can have written."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not errors or any((e.get("extensions") or {}).get("code") != "UNAVAILABLE" for e in errors):
        return False
    if any(value is not None for value in (body.get("data") or {}).values()):
        return False
    try:
        operation = get_operation_ast(parse(document or ""), operation_name)
    except GraphQLError:
        return False
    if operation is None or operation.operation != OperationType.MUTATION:
        return operation is not None
    first = operation.selection_set.selections[0]
    if not isinstance(first, FieldNode):
        return False
    key = (first.alias or first.name).value
    return all((e.get("path") or [None])[0] == key for e in errors)


def healthz(settings: Settings) -> Any:
    """GET /healthz: 200 when the database answers `SELECT 1` within HEALTH_TIMEOUT, else 503."""

    async def check(request: Request) -> Response:
        try:
            await asyncio.wait_for(
                connections.get("default").execute_query("SELECT 1"), timeout=settings.health_timeout
            )
        except Exception:
            log.exception("health check failed")
            return JSONResponse({"status": "unavailable"}, status_code=503, headers={"Retry-After": RETRY_AFTER})
        return JSONResponse({"status": "ok"})

    return check


def scan_list_print(settings: Settings) -> Any:
    """GET /scan-lists/{id}/print?token=...: an approved scan list's printable page (resolvers.scan_list.printing);
    404 for an unknown or unapproved list, a wrong token or an inactive company, whichever it is;
    410 for a link past its date. The access log redacts the token (logging.json)."""

    async def page(request: Request) -> Response:
        try:
            found = await scan_print.printable(settings, request.path_params["id"], request.query_params.get("token"))
        except scan_print.LinkExpired:
            return PlainTextResponse("This printable link has expired: open the scan list again for a new one.", 410)
        if found is None:
            return PlainTextResponse("Not found", status_code=404)
        html = await scan_print.render(*found, locale_from_header(request.headers.get("accept-language")))
        return HTMLResponse(
            html,
            headers={
                "Cache-Control": "private, no-store",
                "Referrer-Policy": "no-referrer",
                "X-Robots-Tag": "noindex",
                "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
            },
        )

    return page


def _tortoise_running() -> bool:
    try:
        context = get_current_context()
        return context is not None and context.inited
    except Exception:
        return False


#: Gen-0 threshold and the older generations' ratios while serving. A request leaves no reference
#: cycle behind (its objects are freed as it ends), so the collector only ever finds the objects
#: of the requests in flight: at 20,000, 16 concurrent pages set it off 107 times per 800 requests
#: (2.4 ms each, 0.3 ms per request, bench/README.md); at 100,000 once (22 ms).
GC_THRESHOLD = (100000, 50, 100)


#: Seconds the shutdown waits for the cancelled outbox workers.
WORKERS_STOP_SECONDS = 2.0


def _tune_gc() -> tuple[int, int, int]:
    """Move everything alive after start-up (modules, schema, ORM metadata) to the permanent
    generation so collections stop traversing it, and collect less often. Returns the previous
    thresholds (restored at shutdown)."""
    previous = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
    return previous


async def _say_where_to_start(settings: Settings) -> None:
    """Development start-up: where GraphiQL is and, with the demo data loaded, its password."""
    log.info("GraphiQL: %s/graphql", settings.api_url)
    if await User.exists(email=STAFF[0][0]):
        log.info("demo data loaded: every demo account (README.md) has the password %s", DEMO_PASSWORD)
    if not settings.smtp_host:
        log.info("no SMTP_HOST: e-mails are printed here, not sent")


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if not _tortoise_running():  # tests start Tortoise themselves
                await stack.enter_async_context(
                    RegisterTortoise(app, config=tortoise_config(settings.db_url, settings))
                )
            workers = []
            if settings.deliver_mail_in_web:
                workers = [
                    asyncio.create_task(mail.deliver_forever(settings, settings.mail_poll_seconds)),
                    asyncio.create_task(webhooks.deliver_forever(settings, settings.mail_poll_seconds)),
                ]
            if not settings.production:
                await _say_where_to_start(settings)
            thresholds = _tune_gc()
            try:
                yield
            finally:
                gc.unfreeze()
                gc.set_threshold(*thresholds)
                for worker in workers:
                    worker.cancel()
                # until each has rolled back what it had open (its locks must not outlive the
                # app), for a bounded time: a worker stuck in I/O must not hold up the shutdown
                if workers:
                    await asyncio.wait(workers, timeout=WORKERS_STOP_SECONDS)

    install_record_factory()
    middleware = [Middleware(RequestIdMiddleware)]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origins,
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["Authorization", "Content-Type", "Accept-Language"],
            )
        )
    routes: list[BaseRoute] = [
        Route("/graphql", GraphQLApp(settings), methods=["GET", "POST"]),
        Route("/healthz", healthz(settings)),
        Route("/scan-lists/{id}/print", scan_list_print(settings), methods=["GET"]),
    ]
    if not settings.production:  # production has no GraphiQL
        routes.append(Mount("/graphiql-assets", StaticFiles(directory=GRAPHIQL), name="graphiql-assets"))
    return Starlette(
        debug=settings.debug,
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        max_body_size=MAX_BODY,
    )


app = create_app()
