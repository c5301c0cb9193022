"""Bench accounts, their users and the provider's bench agents.

Account sizes are very unequal, as a provider's customers are: one account has a tenth
of the tickets (100,000 of a million), five have a hundredth each, and the rest are
spread over many small accounts with a long-tailed (log-normal) size."""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from tique.accounts.choices import Plan, Role
from tique.accounts.models import Account, Membership, Team, User
from tique.core.benchdata.stories import AccountPlan, Person
from tique.core.benchdata.values import company_name, person_name, phone_block, tax_id

CODE_PREFIX = "B-"
EMAIL_DOMAIN = "bench.tique.example"
PASSWORD = "tique-bench"  # noqa: S105 (bench data only; documented in the README)
BIG_ACCOUNT = 100_000
MEDIUM_ACCOUNTS = 5
SMALL_MEAN = 170
# Bench agents per team (other teams get DEFAULT_AGENTS).
AGENTS_PER_TEAM = {"technical": 8, "commercial": 4, "billing": 4, "numbering": 3, "logistics": 2}
DEFAULT_AGENTS = 3


def account_code(index: int) -> str:
    return f"{CODE_PREFIX}{index + 1:05d}"


def account_domain(code: str) -> str:
    return f"{code.lower()}.{EMAIL_DOMAIN}"


def admin_email(code: str, index: int = 1) -> str:
    """The e-mail of an account's administrator (the first is `admin1@…`)."""
    return f"admin{index}@{account_domain(code)}"


def agent_email(team_slug: str, index: int = 1) -> str:
    return f"{team_slug}{index}@{EMAIL_DOMAIN}"


def account_sizes(total: int, rng: random.Random) -> list[int]:
    """Tickets per account, biggest first: one with a tenth of the total (at most
    100,000), five with a hundredth each (at most 10,000), then many small ones."""
    if total <= 0:
        return []
    big = min(BIG_ACCOUNT, max(1, total // 10))
    medium = min(BIG_ACCOUNT // 10, total // 100)
    sizes = [big] + ([medium] * MEDIUM_ACCOUNTS if medium else [])
    remaining = total - sum(sizes)
    if remaining <= 0:
        return [total]
    # No small account outgrows the medium ones (nor the big one, when there are none).
    cap = medium or big
    count = max(min(remaining, 8), remaining // SMALL_MEAN, -(-2 * remaining // cap))
    draws = [rng.lognormvariate(0, 1.1) for _ in range(count)]
    scale = remaining / sum(draws)
    small = sorted((min(cap, max(1, int(draw * scale))) for draw in draws), reverse=True)
    # Rounding and capping: the difference is spread one ticket at a time.
    index = 0
    while (gap := remaining - sum(small)) != 0:
        slot = index % len(small)
        if (gap > 0 and small[slot] < cap) or (gap < 0 and small[slot] > 1):
            small[slot] += 1 if gap > 0 else -1
        index += 1
    return sizes + small


def users_for(index: int, size: int, rng: random.Random) -> tuple[int, int]:
    """(administrators, members) of the account at `index` (0 the big one) with `size`
    tickets: hundreds of people in the big account, dozens in the medium ones."""
    if index == 0:
        return 5, min(295, max(10, size // 3))
    if index <= MEDIUM_ACCOUNTS:
        return 3, min(57, max(5, size // 10))
    return (2 if rng.random() < 0.15 else 1), min(12, size // 40 + rng.randint(0, 2))


@dataclass
class People:
    accounts: list[AccountPlan]
    agents_by_team: dict[int | None, list[Person]]
    users: int


def _plan(index: int, rng: random.Random) -> str:
    if index == 0:
        return Plan.PREMIUM
    if index <= MEDIUM_ACCOUNTS:
        return Plan.BUSINESS
    draw = rng.random()
    return Plan.BASIC if draw < 0.7 else Plan.BUSINESS if draw < 0.95 else Plan.PREMIUM


def create_people(sizes: list[int], rng: random.Random, batch_size: int) -> People:
    """Accounts, users and memberships for `sizes`, and the bench agents (in bulk)."""
    password = make_password(PASSWORD)  # one hash for every bench user: hashing is slow
    plans: list[AccountPlan] = []
    accounts: list[Account] = []
    for index, size in enumerate(sizes):
        code = account_code(index)
        plan = AccountPlan(
            pk=0,
            code=code,
            name=company_name(rng),
            domain=account_domain(code),
            tax_id=tax_id(rng),
            plan=_plan(index, rng),
            # The big and medium accounts are Spanish (a Spanish provider's largest
            # customers), with some English speakers; 15% of the small ones are English.
            language="en" if index > MEDIUM_ACCOUNTS and rng.random() < 0.15 else "es",
            size=size,
            phone_block=phone_block(rng),
            members_open=index <= MEDIUM_ACCOUNTS or rng.random() < 0.5,
        )
        plans.append(plan)
        accounts.append(
            Account(
                name=plan.name,
                customer_code=code,
                tax_id=plan.tax_id,
                language=plan.language,
                contact_email=admin_email(code),
                contact_phone=f"+34{plan.phone_block}",
                members_can_open_tickets=plan.members_open,
                plan=plan.plan,
            )
        )
    Account.objects.bulk_create(accounts, batch_size=batch_size)
    account_ids = dict(
        Account.objects.filter(customer_code__startswith=CODE_PREFIX).values_list(
            "customer_code", "pk"
        )
    )
    users: list[tuple[AccountPlan, Role, User]] = []
    for index, plan in enumerate(plans):
        plan.pk = account_ids[plan.code]
        admins, members = users_for(index, plan.size, rng)
        for role, prefix, count in ((Role.ADMIN, "admin", admins), (Role.MEMBER, "user", members)):
            for number in range(1, count + 1):
                # Empty: the account's language. Some people of Spanish accounts write
                # in English, and half of an English account's say so explicitly.
                english = rng.random() < (0.5 if plan.language == "en" else 0.08)
                speaks = "en" if english else ""
                user = User(
                    email=f"{prefix}{number}@{plan.domain}",
                    full_name=person_name(rng),
                    password=password,
                    language=speaks,
                )
                users.append((plan, role, user))
    User.objects.bulk_create([user for _plan, _role, user in users], batch_size=batch_size)
    user_ids = dict(
        User.objects.filter(email__endswith=f".{EMAIL_DOMAIN}").values_list("email", "pk")
    )
    memberships = []
    for plan, role, user in users:
        person = Person(pk=user_ids[user.email], name=user.full_name, language=user.language)
        memberships.append(Membership(user_id=person.pk, account_id=plan.pk, role=role))
        if role == Role.ADMIN:
            plan.admins.append(person)
        if role == Role.ADMIN or plan.members_open:
            plan.requesters.append(person)
    Membership.objects.bulk_create(memberships, batch_size=batch_size)
    agents = _create_agents(rng, password)
    return People(plans, agents, len(users) + sum(len(a) for a in agents.values()))


def _create_agents(rng: random.Random, password: str) -> dict[int | None, list[Person]]:
    teams = list(Team.objects.filter(is_active=True).order_by("slug"))
    staff = [
        User(
            email=agent_email(team.slug, number),
            full_name=person_name(rng),
            password=password,
            is_staff=True,
        )
        for team in teams
        for number in range(1, AGENTS_PER_TEAM.get(team.slug, DEFAULT_AGENTS) + 1)
    ]
    User.objects.bulk_create(staff)
    ids = dict(User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").values_list("email", "pk"))
    agents: dict[int | None, list[Person]] = {}
    links = []
    for team in teams:
        count = AGENTS_PER_TEAM.get(team.slug, DEFAULT_AGENTS)
        people = []
        for number in range(1, count + 1):
            email = agent_email(team.slug, number)
            name = next(user.full_name for user in staff if user.email == email)
            people.append(Person(pk=ids[email], name=name))
            links.append(Team.members.through(team_id=team.pk, user_id=ids[email]))
        agents[team.pk] = people
    Team.members.through.objects.bulk_create(links)
    return agents
