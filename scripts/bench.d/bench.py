"""The benchmark's measuring half, run by `scripts/bench` once the bench data is loaded
and gunicorn serves it: signs in through the login form, checks every endpoint
answers 200 (or 201), counts each one's queries once with Django's test client on the
same database, measures each with wrk at fixed concurrency, prints the table and writes
the JSON. Once the server has stopped, `--trim-above` deletes the tickets the API
benchmark opened, so the data set stays the same from one run to the next.

    python scripts/bench.d/bench.py --watermark           # the highest ticket number
    python scripts/bench.d/bench.py --vacuum              # VACUUM (ANALYZE), PostgreSQL
    python scripts/bench.d/bench.py --base-url http://127.0.0.1:8123 --out var/bench
    python scripts/bench.d/bench.py --trim-above 1110000

Environment: BENCH_TOKEN and BENCH_STAFF_TOKEN (API tokens of the big account's
administrator and of an agent),
BENCH_DURATION, BENCH_CONNECTIONS, BENCH_THREADS, BENCH_WARMUP, and Django's settings
(DJANGO_SETTINGS_MODULE, DATABASE_URL).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import django

ROOT = Path(__file__).resolve().parents[2]
LUA = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
django.setup()

from django.db import connection, transaction  # noqa: E402 (after django.setup())
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from tique.accounts.models import User  # noqa: E402
from tique.core import benchdata  # noqa: E402
from tique.core.benchdata import people  # noqa: E402
from tique.core.benchdata.purge import purge  # noqa: E402
from tique.desk.forms import QueueFilterForm  # noqa: E402
from tique.portal.forms import HistoryFilterForm  # noqa: E402
from tique.tickets.models import Ticket  # noqa: E402

# The targets (issue 7), measured at 1M tickets on 2 cores with 8 connections.
PAGE_P99_MS = 100
SEARCH_P99_MS = 150
MIN_FRACTION = 0.25
MAX_LIST_QUERIES = 10
MIN_API_RPS = 200
HISTORY_SEARCH = "llamadas entrantes"
DESK_SEARCH = "centralita"


@dataclass
class Endpoint:
    name: str
    path: str
    who: str  # "anonymous", "admin", "agent", or "api" / "api-staff" (their tokens)
    kind: str  # "trivial", "floor", "list", "detail", "search" or "api"
    method: str = "GET"
    queries: int | None = None
    wrk: dict[str, Any] = field(default_factory=dict)
    problem: str = ""  # why it was not measured


@dataclass
class Setting:
    duration: str = os.environ.get("BENCH_DURATION", "10s")
    warmup: str = os.environ.get("BENCH_WARMUP", "2s")
    connections: int = int(os.environ.get("BENCH_CONNECTIONS", "8"))
    threads: int = int(os.environ.get("BENCH_THREADS", "2"))


# --- What to measure ---------------------------------------------------------------------


def _api_bodies() -> list[dict[str, Any]]:
    """New tickets of several kinds, valid as of today (one typed field is a future date)."""
    today = timezone.localdate()
    failed_at = (timezone.localtime() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    incident = {
        "description": "Desde esta mañana no entran llamadas en la centralita.",
        "tests_done": "Reiniciamos el router y probamos desde un móvil.",
        "affected": "912345678, 101",
    }
    return [
        {
            "category": "query",
            "kind": "technical",
            "fields": {
                "subject": "Configurar el desvío de llamadas fuera de horario",
                "question": "¿Cómo programo el desvío a un móvil a partir de las 18:00?",
            },
        },
        {
            "category": "incident",
            "kind": "cannot-receive-calls",
            "fields": {
                **incident,
                "called_number": "912345678",
                "caller_number": "600111222",
                "failed_at": failed_at,
            },
        },
        {
            "category": "request",
            "kind": "refund",
            "fields": {
                "invoice_number": "F-2026-00412",
                "amount": "49,90",
                "reason": "Cobro duplicado en la factura de octubre.",
            },
        },
        {
            "category": "request",
            "kind": "more-channels",
            "fields": {
                "service_id": "TRUNK-B-00001-01",
                "current_channels": 10,
                "channels_wanted": 20,
                "needed_by": (today + dt.timedelta(days=30)).isoformat(),
            },
        },
        {
            "category": "incident",
            "kind": "pbx",
            "fields": {
                **incident,
                "end_client": "Clínica Dental Sonrisas",
                "pbx_identifier": "sonrisas.pbx.example",
                "calls_failing_now": True,
            },
        },
        {
            "category": "query",
            "kind": "commercial",
            "fields": {
                "subject": "Tarifa para llamadas a móviles de Portugal",
                "question": "Queremos saber el precio por minuto y si hay bonos.",
            },
        },
    ]


def endpoints() -> tuple[list[Endpoint], list[str]]:
    """The endpoints and the notes about any left out."""
    big = benchdata.bench_accounts().get(customer_code=people.account_code(0))
    tickets = Ticket.objects.filter(account=big)
    # The requester filter: the account's busiest requester (what a big account shows).
    busiest = tickets.values("requester").annotate(n=Count("id")).order_by("-n").first() or {}
    # A ticket with a typical thread (5 messages) of the big account.
    ticket = (
        tickets.annotate(n=Count("messages")).filter(n=5).order_by("-created_at").first()
        or tickets.order_by("-created_at").first()
    )
    if ticket is None:
        raise SystemExit("the big bench account has no tickets: load bench data first")
    found = [
        Endpoint("trivial view (/healthz)", "/healthz", "anonymous", "trivial"),
        # The lightest signed-in page: session, user, the layout and one small read.
        # What any page pays before it reads a ticket (the "× floor" column).
        Endpoint("signed-in floor (/help/)", "/help/", "admin", "floor"),
        Endpoint("history, page 1", "/tickets/", "admin", "list"),
        Endpoint("history, page 50", "/tickets/?page=50", "admin", "list"),
        Endpoint("history by category", "/tickets/?category=incident", "admin", "list"),
        Endpoint(
            "history by requester",
            f"/tickets/?requester={busiest.get('requester')}",
            "admin",
            "list",
        ),
        Endpoint("ticket detail (panel)", f"/tickets/{ticket.number}/", "admin", "detail"),
        Endpoint("ticket detail (desk)", f"/desk/tickets/{ticket.number}/", "agent", "detail"),
        Endpoint("desk: all open", "/desk/?queue=open", "agent", "list"),
    ]
    notes = []
    if "q" in HistoryFilterForm.base_fields:
        query = urllib.parse.urlencode({"q": HISTORY_SEARCH})
        found.append(
            Endpoint(f"search: history «{HISTORY_SEARCH}»", f"/tickets/?{query}", "admin", "search")
        )
    else:
        notes.append("history search skipped: the history has no ?q= yet")
    if "q" in QueueFilterForm.base_fields:
        query = urllib.parse.urlencode({"queue": "open", "q": DESK_SEARCH})
        found.append(
            Endpoint(f"search: desk «{DESK_SEARCH}»", f"/desk/?{query}", "agent", "search")
        )
    else:
        notes.append("desk search skipped: the desk has no ?q= yet")
    # The API's list as each side sees it by default: the account's tickets for its
    # administrator, every ticket for staff; newest activity first.
    found.append(Endpoint("API: list (customer)", "/api/v1/tickets?limit=25", "api", "list"))
    found.append(Endpoint("API: list (staff)", "/api/v1/tickets?limit=25", "api-staff", "list"))
    found.append(Endpoint("API: create ticket", "/api/v1/tickets", "api", "api", method="POST"))
    return found, notes


# --- Signing in, checking, counting queries ------------------------------------------------


def sign_in(base_url: str, email: str) -> str:
    """The session cookie from the real login form (CSRF token and all)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = f"{base_url}/accounts/login/"
    page = opener.open(login, timeout=30).read().decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if match is None:
        raise SystemExit("no CSRF token on the login page")
    form = {"csrfmiddlewaretoken": match.group(1), "username": email, "password": people.PASSWORD}
    opener.open(login, data=urllib.parse.urlencode(form).encode(), timeout=30).read()
    session = next((c.value for c in jar if c.name == "sessionid"), None)
    if session is None:
        raise SystemExit(f"could not sign in as {email}")
    return f"sessionid={session}"


def check(base_url: str, endpoint: Endpoint, headers: dict[str, str]) -> str:
    """Each endpoint must answer a real page (wrk counts a redirect as a success): the
    problem if it does not, else ""."""
    request = urllib.request.Request(f"{base_url}{endpoint.path}", headers=headers)  # noqa: S310
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=60) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError as error:
        return f"no answer ({error})"
    return "" if status == 200 else f"answered {status}, not 200"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def count_queries(
    endpoint: Endpoint, users: dict[str, User], tokens: dict[str, str], body: str
) -> int:
    """The queries one request makes, through Django's test client on the same database
    (the connection health check's `SELECT 1` is not counted), after a first request
    to the same page. A query may take at most as long as gunicorn lets a request take."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = '30s'")
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    if endpoint.who in users:
        client.force_login(users[endpoint.who])
    auth = {"Authorization": f"Bearer {tokens[endpoint.who]}"} if endpoint.who in tokens else {}
    if endpoint.method == "GET":
        # Once first, as a served page is in a process that has answered others: what a
        # process reads once and keeps (kinds and teams, an account's people) is not
        # counted on every page.
        client.get(endpoint.path, headers=auth)
    with CaptureQueriesContext(connection) as queries:
        if endpoint.method == "POST":
            response = client.post(
                endpoint.path,
                body,
                content_type="application/json",
                headers=auth,
            )
            expected = 201
        else:
            response = client.get(endpoint.path, headers=auth)
            expected = 200
    if response.status_code != expected:
        raise RuntimeError(f"the test client got {response.status_code}")
    return len(queries)


# --- wrk -------------------------------------------------------------------------------------


def wrk(
    base_url: str, endpoint: Endpoint, setting: Setting, headers: dict[str, str], duration: str
) -> dict[str, Any]:
    script = "post_ticket.lua" if endpoint.method == "POST" else "report.lua"
    command = [
        "wrk",
        f"--threads={setting.threads}",
        f"--connections={setting.connections}",
        f"--duration={duration}",
        "--timeout=10s",
        f"--script={LUA / script}",
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    command.append(f"{base_url}{endpoint.path if endpoint.method == 'GET' else ''}")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    line = next((line for line in output.splitlines() if line.startswith("BENCH-RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result for {endpoint.name}:\n{output}")
    result: dict[str, Any] = json.loads(line.removeprefix("BENCH-RESULT "))
    return result


# --- Report ----------------------------------------------------------------------------------


def verdict(endpoint: Endpoint, rps: float, p99: float, trivial: float) -> tuple[str, bool]:
    # No answer within the run is no latency at all, not a p99 of 0.
    errors = sum(endpoint.wrk["errors"].values()) + (endpoint.wrk["requests"] == 0)
    queries = endpoint.queries or 0
    if endpoint.kind in {"trivial", "floor"}:
        return "baseline", errors == 0
    if endpoint.kind == "api":
        return f"≥ {MIN_API_RPS}/s", rps >= MIN_API_RPS and errors == 0
    if endpoint.kind == "search":
        ok = p99 < SEARCH_P99_MS and queries <= MAX_LIST_QUERIES
        return f"p99 < {SEARCH_P99_MS} ms, ≤ {MAX_LIST_QUERIES} q", ok and errors == 0
    ok = p99 < PAGE_P99_MS and rps >= MIN_FRACTION * trivial
    target = f"p99 < {PAGE_P99_MS} ms, ≥ 1/4"
    if endpoint.kind == "list":
        ok = ok and queries <= MAX_LIST_QUERIES
        target += f", ≤ {MAX_LIST_QUERIES} q"
    return target, ok and errors == 0


def report(found: list[Endpoint], setting: Setting, notes: list[str], out: Path) -> dict[str, Any]:
    rows = []
    trivial = next(e for e in found if e.kind == "trivial")
    trivial_rps = trivial.wrk["requests"] / (trivial.wrk["duration_us"] / 1e6)
    floor = next((e for e in found if e.kind == "floor" and not e.problem), None)
    floor_rps = floor.wrk["requests"] / (floor.wrk["duration_us"] / 1e6) if floor else None
    for endpoint in found:
        if endpoint.problem:
            rows.append(_failed_row(endpoint))
            continue
        stats = endpoint.wrk
        rps = stats["requests"] / (stats["duration_us"] / 1e6)
        p50, p99 = stats["latency_us"]["p50"] / 1000, stats["latency_us"]["p99"] / 1000
        target, met = verdict(endpoint, rps, p99, trivial_rps)
        rows.append(
            {
                "endpoint": endpoint.name,
                "method": endpoint.method,
                "path": endpoint.path,
                "as": endpoint.who,
                "kind": endpoint.kind,
                "requests_per_second": round(rps, 1),
                "p50_ms": round(p50, 2),
                "p90_ms": round(stats["latency_us"]["p90"] / 1000, 2),
                "p99_ms": round(p99, 2),
                "max_ms": round(stats["latency_us"]["max"] / 1000, 2),
                "queries": endpoint.queries,
                "fraction_of_trivial": round(rps / trivial_rps, 3),
                "fraction_of_floor": round(rps / floor_rps, 3) if floor_rps else None,
                "errors": stats["errors"],
                "target": target,
                "met": met,
                "problem": "",
            }
        )
    result = {
        "when": timezone.now().isoformat(timespec="seconds"),
        "commit": _git_commit(),
        "machine": {
            "cpus": os.cpu_count(),
            "cpu": _cpu_model(),
            "python": platform.python_version(),
            "database": f"{connection.vendor} {_database_version()}",
        },
        "data": {
            "tickets": Ticket.objects.count(),
            "bench_tickets": benchdata.bench_tickets().count(),
            "accounts": benchdata.bench_accounts().count(),
        },
        "settings": {
            **asdict(setting),
            "web_workers": os.environ.get("BENCH_WEB_WORKERS", ""),
            "conn_max_age": connection.settings_dict.get("CONN_MAX_AGE"),
        },
        "notes": notes,
        "results": rows,
    }
    _print_table(rows, setting, notes)
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    (out / f"bench-{stamp}.json").write_text(text)
    (out / "latest.json").write_text(text)
    print(f"\nWritten to {out / f'bench-{stamp}.json'} (and {out / 'latest.json'})")
    return result


def _failed_row(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "endpoint": endpoint.name,
        "method": endpoint.method,
        "path": endpoint.path,
        "as": endpoint.who,
        "kind": endpoint.kind,
        "requests_per_second": None,
        "p50_ms": None,
        "p90_ms": None,
        "p99_ms": None,
        "max_ms": None,
        "queries": endpoint.queries,
        "fraction_of_trivial": None,
        "fraction_of_floor": None,
        "errors": {},
        "target": "",
        "met": False,
        "problem": endpoint.problem,
    }


def _print_table(rows: list[dict[str, Any]], setting: Setting, notes: list[str]) -> None:
    print(
        f"\n{setting.connections} connections, {setting.threads} wrk threads, "
        f"{setting.duration} per endpoint\n"
    )
    header = f"{'endpoint':<34} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'queries':>7} "
    header += f"{'× trivial':>9} {'× floor':>7}  {'target':<32} met"
    print(header)
    print("-" * len(header))
    for row in rows:
        if row["problem"]:
            print(f"{row['endpoint']:<34} NOT MEASURED: {row['problem']}")
            continue
        queries = "" if row["queries"] is None else str(row["queries"])
        errors = sum(row["errors"].values())
        met = ("yes" if row["met"] else "NO") + (f" ({errors} errors)" if errors else "")
        floor = "" if row["fraction_of_floor"] is None else f"{row['fraction_of_floor']:.2f}"
        print(
            f"{row['endpoint']:<34} {row['requests_per_second']:>8.0f} {row['p50_ms']:>8.1f} "
            f"{row['p99_ms']:>8.1f} {queries:>7} {row['fraction_of_trivial']:>9.2f} "
            f"{floor:>7}  "
            f"{row['target']:<32} {met}"
        )
    for note in notes:
        print(f"Note: {note}")


def _git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor()
    match = re.search(r"model name\s*:\s*(.+)", text)
    return match.group(1).strip() if match else platform.processor()


def _database_version() -> str:
    if connection.vendor != "postgresql":
        return ""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        row = cursor.fetchone()
    return str(row[0]) if row else ""


# --- Main ------------------------------------------------------------------------------------


def trim(watermark: int) -> None:
    """Delete the tickets the API benchmark opened (numbers above `watermark`), once the
    server has stopped, so that the next run measures the same data."""
    with transaction.atomic():
        opened = purge(benchdata.bench_tickets().filter(number__gt=watermark))
    print(f"Deleted the {opened:,} tickets the API benchmark opened.")


def vacuum() -> None:
    """PostgreSQL: `VACUUM (ANALYZE)` the database before measuring, as autovacuum does
    in production. The API benchmark's tickets, deleted after each run, and any work
    done on the data between runs leave dead rows and pages no longer marked all-visible
    in the visibility map; until a vacuum, every index-only scan reads the table too (the
    desk's queue badges took 15 ms instead of 1.4 at a million tickets). Where
    autovacuum is off or has not come round yet, the run would measure a state that
    production does not stay in. A few seconds when there is little to do."""
    if connection.vendor != "postgresql":
        return
    began = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        (autovacuum,) = cursor.fetchone()
        cursor.execute("VACUUM (ANALYZE)")
    note = "" if autovacuum == "on" else " (autovacuum is off on this server)"
    print(f"    vacuumed and analysed in {time.monotonic() - began:.0f}s{note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--watermark", action="store_true", help="print the highest number")
    parser.add_argument("--trim-above", type=int, metavar="NUMBER")
    parser.add_argument("--vacuum", action="store_true", help="only VACUUM (ANALYZE) the database")
    args = parser.parse_args()
    if args.vacuum:
        vacuum()
        return
    if args.watermark:
        print(Ticket.objects.order_by("-number").values_list("number", flat=True).first() or 0)
        return
    if args.trim_above is not None:
        trim(args.trim_above)
        return
    if not args.base_url:
        parser.error("--base-url is required")
    base_url: str = args.base_url.rstrip("/")
    token = os.environ["BENCH_TOKEN"]
    tokens = {"api": token, "api-staff": os.environ["BENCH_STAFF_TOKEN"]}
    setting = Setting()
    found, notes = endpoints()
    admin_email = people.admin_email(people.account_code(0))
    agent_email = people.agent_email("technical")
    users = {
        "admin": User.objects.get(email=admin_email),
        "agent": User.objects.get(email=agent_email),
    }
    cookies = {"admin": sign_in(base_url, admin_email), "agent": sign_in(base_url, agent_email)}
    bodies = [json.dumps(body, ensure_ascii=False) for body in _api_bodies()]
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as file:
        file.write("\n".join(bodies) + "\n")
    bodies_file = Path(file.name)
    os.environ.update(
        {"BENCH_BODIES": str(bodies_file), "BENCH_LUA_DIR": str(LUA), "BENCH_TOKEN": token}
    )
    try:
        measure(found, base_url, setting, cookies, users, tokens, bodies)
        report(found, setting, notes, args.out)
    finally:
        bodies_file.unlink(missing_ok=True)


def measure(
    found: list[Endpoint],
    base_url: str,
    setting: Setting,
    cookies: dict[str, str],
    users: dict[str, User],
    tokens: dict[str, str],
    bodies: list[str],
) -> None:
    for endpoint in found:
        headers = {"Accept-Language": "es"}
        if endpoint.who in cookies:
            headers["Cookie"] = cookies[endpoint.who]
        if endpoint.who in tokens and endpoint.method == "GET":  # POST: post_ticket.lua's
            headers["Authorization"] = f"Bearer {tokens[endpoint.who]}"
        print(f"==> {endpoint.name}: {endpoint.method} {endpoint.path}", flush=True)
        if endpoint.method == "GET":
            endpoint.problem = check(base_url, endpoint, headers)
        if not endpoint.problem:
            try:
                # The API: every kind of body once, the most queries any needed.
                endpoint.queries = max(
                    count_queries(endpoint, users, tokens, body)
                    for body in (bodies if endpoint.method == "POST" else [""])
                )
            except Exception as error:  # reported; the other endpoints still run
                endpoint.problem = f"failed with the test client: {error}"
        if endpoint.problem:
            print(f"    not measured: {endpoint.problem}", flush=True)
            continue
        if setting.warmup not in {"", "0", "0s"}:
            wrk(base_url, endpoint, setting, headers, setting.warmup)
        endpoint.wrk = wrk(base_url, endpoint, setting, headers, setting.duration)


if __name__ == "__main__":
    main()
