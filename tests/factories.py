"""factory_boy factories: the core domain, and the rows of agreements, consent and transfers
that tests/builders/ puts together."""

import datetime
import uuid

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from agreements.models import Agreement, AgreementItem, AgreementVersion, Approval
from consent.models import ConsentDecision, Objection, ParentNotice
from ikc_share import services
from ikc_share.models import Child, Guardian, Guardianship, Ikc, Location, Organisation
from transfers.models import ReceivedTransfer, Transfer


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.nl")
    password = factory.PostGenerationMethodCall("set_password", "test-password-123")

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class IkcFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ikc

    name = factory.Sequence(lambda n: f"IKC Test {n}")
    slug = factory.Sequence(lambda n: f"ikc-test-{n}")


def make_organisation(*, ikc: Ikc, kind: str, name: str | None = None) -> Organisation:
    return services.organisation_create(
        ikc=ikc,
        kind=kind,
        name=name or f"{kind} of {ikc.name}",
        address="Dorpsstraat 1",
        postal_code="1234 AB",
        city="Utrecht",
        privacy_email=f"privacy-{kind}@example.nl",
    )


def make_location(*, organisation: Organisation, kind: str, name: str | None = None) -> Location:
    return services.location_create(organisation=organisation, kind=kind, name=name or f"{organisation.name} {kind}")


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    location = None  # required
    organisation = factory.LazyAttribute(lambda c: c.location.organisation)
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    date_of_birth = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=3 * 365 + 100))
    group_name = "Vlinders"


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    organisation = None  # required
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.Sequence(lambda n: f"guardian{n}@example.nl")


def link_guardian(*, guardian: Guardian, child: Child, authority: bool = True) -> Guardianship:
    return Guardianship.objects.create(guardian=guardian, child=child, has_parental_authority=authority)


# --- Agreements, consent and transfers -------------------------------------------------------------
# Plain rows (no services, no audit events): tests/builders/ puts them together into the
# situations the tests need. Organisations, users and categories are passed in.

AGREEMENT_EXPLANATION = "De leerkracht van groep 1 wil goed aansluiten bij wat uw kind al kan."


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    ikc = None  # required
    sending_organisation = None  # required
    receiving_organisation = None  # required
    created_by = None  # required
    title = factory.Sequence(lambda n: f"Afspraak {n} (test)")


def _next_number(version) -> int:
    last = version.agreement.versions.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


class AgreementVersionFactory(factory.django.DjangoModelFactory):
    """A version with its items (`items=[(category, justification), …]`), receiving roles
    (`receiving_roles=[FunctionTitle, …]`) and approvals (`approvals=[(organisation, user,
    decided_at or None), …]`; None: the model's default, now)."""

    class Meta:
        model = AgreementVersion
        skip_postgeneration_save = True

    agreement = None  # required
    number = factory.LazyAttribute(_next_number)
    status = "active"
    purpose = "development_line"
    purpose_explanation = AGREEMENT_EXPLANATION
    legal_basis = "a"
    method_in_app = True
    method_meeting = True
    retention_months = 24
    valid_from = datetime.date(2026, 1, 1)
    created_by = factory.LazyAttribute(lambda v: v.agreement.created_by)

    @factory.post_generation
    def items(obj, create, extracted, **kwargs):
        for category, justification in extracted or ():
            AgreementItem.objects.create(version=obj, category=category, justification=justification)

    @factory.post_generation
    def receiving_roles(obj, create, extracted, **kwargs):
        if extracted is not None:
            obj.receiving_roles.set(extracted)

    @factory.post_generation
    def approvals(obj, create, extracted, **kwargs):
        for organisation, user, decided_at in extracted or ():
            extra = {"decided_at": decided_at} if decided_at is not None else {}
            Approval.objects.create(
                version=obj, organisation=organisation, decided_by=user, decision=Approval.Decision.APPROVED, **extra
            )


class ConsentDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentDecision

    child = None  # required
    guardian = None  # required
    version = None  # required
    category = None
    state = "given"
    explicit = False
    decided_at = factory.LazyFunction(timezone.now)
    channel = "portal"
    language = "nl"
    guardian_policy = factory.LazyAttribute(lambda d: d.version.guardian_policy)
    submission = factory.LazyFunction(uuid.uuid4)
    scan = factory.LazyAttribute(lambda d: "x.pdf" if d.channel == "paper" else "")


class ParentNoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParentNotice

    version = None  # required
    guardian = None  # required
    child = None  # required
    how = "email"
    at = factory.LazyFunction(timezone.now)
    letter = None
    letter_sha256 = factory.LazyAttribute(lambda n: n.letter.sha256 if n.letter else "")


class ObjectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objection

    child = None  # required
    version = None  # required
    guardian = None  # required
    explanation = "Liever niet."


class TransferFactory(factory.django.DjangoModelFactory):
    """A transfer row as the sender keeps it (no legal-basis check: the services do that)."""

    class Meta:
        model = Transfer

    version = None  # required
    sending_organisation = factory.LazyAttribute(lambda t: t.version.agreement.sending_organisation)
    receiving_organisation = factory.LazyAttribute(lambda t: t.version.agreement.receiving_organisation)
    receiving_location = None  # required
    child = None  # required
    state = Transfer.State.SENT
    category_codes = factory.LazyFunction(list)
    created_by = None  # required
    shared_by = factory.LazyAttribute(lambda t: t.created_by)
    shared_at = factory.LazyFunction(timezone.now)


class ReceivedTransferFactory(factory.django.DjangoModelFactory):
    """The receiving organisation's copy of a sent transfer."""

    class Meta:
        model = ReceivedTransfer

    transfer = None  # required
    organisation = factory.LazyAttribute(lambda r: r.transfer.receiving_organisation)
    location = factory.LazyAttribute(lambda r: r.transfer.receiving_location)
    category_codes = factory.LazyAttribute(lambda r: list(r.transfer.category_codes))
    content_sha256 = factory.LazyAttribute(lambda r: r.transfer.content_sha256)
    received_at = factory.LazyFunction(timezone.now)
    retention_until = factory.LazyFunction(lambda: (timezone.now() + datetime.timedelta(days=365)).date())
