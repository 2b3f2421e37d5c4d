"""factory_boy factories for the core domain."""

import datetime

import factory
from django.contrib.auth import get_user_model

from ikc_share import services
from ikc_share.models import Child, Guardian, Guardianship, Ikc, Location, Organisation


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
