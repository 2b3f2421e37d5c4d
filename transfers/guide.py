"""The guide: situations that are NOT a transfer under an exchange agreement, so that
check_transfer does not answer them (it only decides handovers under an agreement).

Facts from the webinar 'Oké met de AVG' (seeds/004) and the Kennisnet handreiking
(seeds/000), written in plain Dutch; the English version is kept here too, so that it does
not depend on a translation file. Each situation: a question as staff would ask it, the
short answer, and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass

from agreements import rules


@dataclass(frozen=True)
class Situation:
    key: str
    title: str
    answer: str
    steps: tuple[str, ...]
    why: str


NL: tuple[Situation, ...] = (
    Situation(
        key="meldcode",
        title="Ik maak me zorgen over de veiligheid van een kind",
        answer=(
            "Dit is geen overdracht onder een afspraak en u gebruikt deze app er niet voor. Volg de meldcode "
            "huiselijk geweld en kindermishandeling van uw eigen organisatie. Voor een melding bij Veilig Thuis is "
            "geen toestemming van de ouders nodig."
        ),
        steps=(
            "Degene die de signalen ziet, zet de stappen van de meldcode: u dus, niet een collega van de andere "
            "organisatie.",
            "Melden is niet verplicht; de meldcode volgen wel. De meldcode helpt u zorgvuldig te besluiten of u meldt.",
            "Het meldrecht geldt alleen richting Veilig Thuis, niet richting de andere deelnemers aan een overleg "
            "of de school of opvang naast u.",
            "Overleg met de aandachtsfunctionaris van uw eigen organisatie.",
        ),
        why="Meldcode huiselijk geweld en kindermishandeling; meldrecht naar Veilig Thuis.",
    ),
    Situation(
        key="access_request",
        title="Een ouder vraagt om het dossier van het eigen kind",
        answer=(
            "Dat is geen overdracht maar een verzoek om inzage (artikel 15 AVG). Een ouder met ouderlijk gezag mag "
            "weten welke gegevens uw organisatie over het kind heeft en wat daarmee gebeurt."
        ),
        steps=(
            "Geef het verzoek door aan de directeur of de privacycontactpersoon van uw organisatie.",
            "Uw organisatie antwoordt binnen één maand.",
            "In het ouderportaal zien ouders al wat er is gedeeld, met wie en wanneer het is geopend.",
        ),
        why="Recht op inzage, artikel 15 AVG.",
    ),
    Situation(
        key="family_supervisor",
        title="Een gezinsvoogd (ondertoezichtstelling) vraagt informatie",
        answer=(
            "Dit valt buiten de afspraken in deze app. Bij een ondertoezichtstelling (OTS) heeft u een "
            "informatieplicht als de gezinsvoogd u om informatie vraagt, en een informatierecht als u zelf "
            "informatie geeft. Dat regelt de Jeugdwet."
        ),
        steps=(
            "Geef alleen wat nodig is voor de uitvoering van de ondertoezichtstelling.",
            "Doe het liefst op schrift.",
            "Vertel de ouders vooraf dat u informatie geeft, en voeg zo nodig hun zienswijze toe.",
            "Overleg met uw directeur als u twijfelt.",
        ),
        why="Informatieplicht en informatierecht bij een ondertoezichtstelling (Jeugdwet en Burgerlijk Wetboek).",
    ),
    Situation(
        key="emergency",
        title="Er is een noodsituatie (vitaal belang)",
        answer=(
            "In een acute noodsituatie, als het leven of de gezondheid van een kind op het spel staat, handelt u "
            "eerst: bel 112 en geef hulpverleners wat zij nodig hebben. Dat is geen overdracht onder een afspraak."
        ),
        steps=(
            "Handel eerst; u hoeft niet eerst toestemming te vragen.",
            "Leg daarna vast wat u hebt gedeeld, met wie en waarom.",
            "Informeer de ouders zo snel mogelijk.",
            "Meld het aan uw directeur. Vitaal belang geldt alleen voor een noodsituatie, nooit als vaste afspraak.",
        ),
        why="Vitaal belang, artikel 6 lid 1 onder d en artikel 9 lid 2 onder c AVG.",
    ),
    Situation(
        key="third_party",
        title="Iemand buiten het IKC vraagt gegevens van een kind",
        answer=(
            "Geen enkele afspraak in deze app geldt voor iemand buiten het IKC, zoals een logopedist, een "
            "jeugdhulpverlener, de gemeente of een andere school. Vragen stellen mag altijd; antwoorden niet altijd."
        ),
        steps=(
            "Geef geen gegevens zonder grondslag: meestal is toestemming van de ouders nodig.",
            "Praat met de ouders in plaats van over hen: laat de ouders zelf het contact leggen of vraag hun "
            "toestemming voor dit ene doel.",
            "Wilt u alleen advies over uw aanpak, bespreek het kind dan zonder naam.",
            "Twijfelt u, vraag het de privacy officer van uw organisatie.",
        ),
        why="Zonder afspraak en zonder grondslag (artikel 6 AVG) geen gegevens delen.",
    ),
)

EN: tuple[Situation, ...] = (
    Situation(
        key="meldcode",
        title="I am worried about a child's safety",
        answer=(
            "This is not a transfer under an agreement and you do not use this app for it. Follow your own "
            "organisation's reporting code for domestic violence and child abuse (meldcode). Reporting to Veilig "
            "Thuis does not need the parents' consent."
        ),
        steps=(
            "The person who sees the signals takes the steps of the meldcode: that is you, not a colleague of the "
            "other organisation.",
            "Reporting is not compulsory; following the meldcode is. It helps you decide carefully whether to report.",
            "The right to report applies to Veilig Thuis only, not to others in a meeting or to the school or "
            "childcare next door.",
            "Talk to your own organisation's safeguarding officer.",
        ),
        why="Reporting code for domestic violence and child abuse; right to report to Veilig Thuis.",
    ),
    Situation(
        key="access_request",
        title="A parent asks for their own child's file",
        answer=(
            "That is not a transfer but a request for access (GDPR article 15). A parent with parental authority may "
            "know which data your organisation holds about the child and what is done with them."
        ),
        steps=(
            "Pass the request on to your director or your organisation's privacy contact.",
            "Your organisation answers within one month.",
            "In the parent portal, parents already see what was shared, with whom and when it was opened.",
        ),
        why="Right of access, GDPR article 15.",
    ),
    Situation(
        key="family_supervisor",
        title="A family supervisor (supervision order) asks for information",
        answer=(
            "This is outside the agreements in this app. Under a supervision order (OTS) you have a duty to inform "
            "when the family supervisor asks, and a right to inform when you offer information yourself. The Youth "
            "Act (Jeugdwet) governs this."
        ),
        steps=(
            "Give only what is needed to carry out the supervision order.",
            "Preferably in writing.",
            "Tell the parents beforehand, and add their view where needed.",
            "Consult your director when in doubt.",
        ),
        why="Duty and right to inform under a supervision order (Youth Act and Civil Code).",
    ),
    Situation(
        key="emergency",
        title="There is an emergency (vital interest)",
        answer=(
            "In an acute emergency, when a child's life or health is at stake, act first: call 112 and give the "
            "emergency services what they need. That is not a transfer under an agreement."
        ),
        steps=(
            "Act first; you do not need to ask for consent first.",
            "Afterwards, record what you shared, with whom and why.",
            "Inform the parents as soon as possible.",
            "Tell your director. Vital interest covers an emergency only, never a standing agreement.",
        ),
        why="Vital interest, GDPR article 6(1)(d) and article 9(2)(c).",
    ),
    Situation(
        key="third_party",
        title="Someone outside the IKC asks for a child's data",
        answer=(
            "No agreement in this app covers anyone outside the IKC, such as a speech therapist, a youth care "
            "worker, the municipality or another school. Asking is always allowed; answering is not."
        ),
        steps=(
            "Do not give data without a legal basis: usually the parents' consent is needed.",
            "Talk with the parents rather than about them: let them make the contact, or ask their consent for "
            "this one purpose.",
            "If you only want advice on your approach, discuss the child without a name.",
            "When in doubt, ask your organisation's privacy officer.",
        ),
        why="No agreement and no legal basis (GDPR article 6): no sharing.",
    ),
)


def situations(language: str | None) -> tuple[Situation, ...]:
    return EN if (language or "nl").startswith("en") else NL


def situations_with_routes(language: str | None) -> list[tuple[Situation, str]]:
    """Each situation with what check_transfer answers when staff try it as an agreement
    transfer (the route sentence of agreements.rules.contexts), or "" where no context
    applies (an access request is not a transfer question at all)."""
    return [
        (
            s,
            rules.contexts.route_sentence(rules.contexts.GUIDE_CONTEXTS[s.key])
            if s.key in rules.contexts.GUIDE_CONTEXTS
            else "",
        )
        for s in situations(language)
    ]
