"""Seed the DataCategory catalogue an agreement picks its minimal data set from.

Development observations are one category PER DOMAIN (social-emotional, language,
motor, play/learning, self-reliance), not one big "development" category: data
minimisation means an agreement names only the domains its purpose needs, and parents
who may consent per category can say yes to one domain and no to another.

VVE programme and VVE duration are the two items the law itself makes part of the
handover from voorschoolse educatie to the school (the statutory exception the Kennisnet
handreiking names); they are the only categories with statutory=True.

Never a BSN: identification is name, date of birth and the organisation's own number.
The migration is idempotent (update_or_create by code); reversing it removes nothing
that an agreement item still points at.
"""

from django.db import migrations

VVE_REFERENCE = (
    "Besluit basisvoorwaarden kwaliteit voorschoolse educatie (op grond van art. 1.50b Wet kinderopvang) "
    "en Wet op het primair onderwijs (doorgaande lijn van voorschoolse naar vroegschoolse educatie)"
)

CATEGORIES = [
    # code, order, name_nl, name_en, description_nl, description_en, is_special, is_sensitive, statutory
    (
        "identification", 10,
        "Identificatiegegevens",
        "Identification",
        "Naam, geboortedatum en het nummer van het kind in de eigen administratie. Nooit een BSN.",
        "Name, date of birth and the child's number in the organisation's own records. Never a citizen "
        "service number (BSN).",
        False, False, False,
    ),
    (
        "development_social_emotional", 20,
        "Ontwikkeling: sociaal-emotioneel",
        "Development: social-emotional",
        "Observaties van de pedagogisch medewerker over hoe het kind contact maakt, samenspeelt en met "
        "gevoelens omgaat.",
        "The practitioner's observations of how the child makes contact, plays with others and deals with "
        "feelings.",
        False, False, False,
    ),
    (
        "development_language", 21,
        "Ontwikkeling: taal",
        "Development: language",
        "Observaties over woordenschat, spreken en begrijpen, en welke taal of talen het kind spreekt.",
        "Observations of vocabulary, speaking and understanding, and which language or languages the child "
        "speaks.",
        False, False, False,
    ),
    (
        "development_motor", 22,
        "Ontwikkeling: motoriek",
        "Development: motor skills",
        "Observaties over grove en fijne motoriek, zoals rennen, klimmen, knippen en tekenen.",
        "Observations of gross and fine motor skills, such as running, climbing, cutting and drawing.",
        False, False, False,
    ),
    (
        "development_play_learning", 23,
        "Ontwikkeling: spel en leren",
        "Development: play and learning",
        "Observaties over spel, concentratie, interesses en beginnende reken- en taalvaardigheid.",
        "Observations of play, concentration, interests and early numeracy and literacy.",
        False, False, False,
    ),
    (
        "development_self_reliance", 24,
        "Ontwikkeling: zelfredzaamheid",
        "Development: self-reliance",
        "Observaties over zelfstandigheid, zoals aankleden, naar de wc gaan en om hulp vragen.",
        "Observations of independence, such as getting dressed, using the toilet and asking for help.",
        False, False, False,
    ),
    (
        "vve_programme", 30,
        "VVE-programma dat het kind volgde",
        "Preschool education (VVE) programme followed",
        "Welk programma voor voorschoolse educatie het kind heeft gevolgd (bijvoorbeeld Uk & Puk of "
        "Piramide). De wet schrijft voor dat dit aan de school wordt overgedragen.",
        "Which preschool education programme the child followed (for example Uk & Puk or Piramide). The law "
        "requires this to be handed over to the school.",
        False, False, True,
    ),
    (
        "vve_duration", 31,
        "Duur van het VVE-programma",
        "Duration of the VVE programme",
        "Hoe lang het kind voorschoolse educatie heeft gekregen. De wet schrijft voor dat dit aan de school "
        "wordt overgedragen.",
        "How long the child received preschool education. The law requires this to be handed over to the "
        "school.",
        False, False, True,
    ),
    (
        "care_needs", 40,
        "Zorgbehoefte en betrokken hulpverleners",
        "Care needs and professionals involved",
        "Extra ondersteuning die het kind nodig heeft en welke hulpverleners (zoals logopedist of "
        "jeugdarts) betrokken zijn. Dit zijn gezondheidsgegevens: bijzondere persoonsgegevens.",
        "Extra support the child needs and which professionals (such as a speech therapist or youth doctor) "
        "are involved. This is health data: a special category of personal data.",
        True, False, False,
    ),
    (
        "health", 41,
        "Gezondheid, allergieën en medicatie",
        "Health, allergies and medication",
        "Medische informatie die nodig is voor veilige zorg, zoals allergieën, medicijngebruik en wat te "
        "doen bij een aanval. Bijzondere persoonsgegevens (art. 9 AVG).",
        "Medical information needed for safe care, such as allergies, medication and what to do in case of "
        "a seizure. A special category of personal data (GDPR art. 9).",
        True, False, False,
    ),
    (
        "home_situation", 50,
        "Thuissituatie",
        "Home situation",
        "Omstandigheden thuis die belangrijk zijn voor de begeleiding, zoals een verhuizing, scheiding of "
        "de geboorte van een broertje of zusje. Gevoelige gegevens.",
        "Circumstances at home that matter for the child's guidance, such as a move, a divorce or the birth "
        "of a sibling. Sensitive data.",
        False, True, False,
    ),
    (
        "bso_practical", 60,
        "Praktische BSO-afspraken",
        "Practical after-school care arrangements",
        "Op welke dagen en tijden het kind naar de BSO gaat, wie het kind ophaalt en waar het wordt "
        "opgehaald.",
        "On which days and at what times the child goes to after-school care, who collects the child and "
        "where.",
        False, False, False,
    ),
    (
        "guardian_contact", 70,
        "Contactgegevens ouders/verzorgers",
        "Contact details of parents/carers",
        "Namen, telefoonnummers en e-mailadressen van de ouders of verzorgers.",
        "Names, phone numbers and e-mail addresses of the parents or carers.",
        False, False, False,
    ),
]


def seed(apps, schema_editor):
    DataCategory = apps.get_model("agreements", "DataCategory")
    for code, order, name_nl, name_en, desc_nl, desc_en, special, sensitive, statutory in CATEGORIES:
        DataCategory.objects.update_or_create(
            code=code,
            defaults={
                "order": order, "name_nl": name_nl, "name_en": name_en, "description_nl": desc_nl,
                "description_en": desc_en, "is_special": special, "is_sensitive": sensitive,
                "statutory": statutory, "statutory_reference": VVE_REFERENCE if statutory else "",
            },
        )


def unseed(apps, schema_editor):
    DataCategory = apps.get_model("agreements", "DataCategory")
    AgreementItem = apps.get_model("agreements", "AgreementItem")
    used = set(AgreementItem.objects.values_list("category__code", flat=True))
    DataCategory.objects.filter(code__in=[c[0] for c in CATEGORIES]).exclude(code__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
