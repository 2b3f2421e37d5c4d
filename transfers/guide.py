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
            "jeugdhulpverlener of de gemeente. Vragen stellen mag altijd; antwoorden niet altijd."
        ),
        steps=(
            "Geef geen gegevens zonder grondslag: meestal is toestemming van de ouders nodig.",
            "Gaat een leerling naar een andere school? Dan is het onderwijskundig rapport een wettelijke plicht, "
            "geen kwestie van toestemming: zie hieronder.",
            "Praat met de ouders in plaats van over hen: laat de ouders zelf het contact leggen of vraag hun "
            "toestemming voor dit ene doel.",
            "Wilt u alleen advies over uw aanpak, bespreek het kind dan zonder naam.",
            "Twijfelt u, vraag het de privacy officer van uw organisatie.",
        ),
        why="Zonder afspraak en zonder grondslag (artikel 6 AVG) geen gegevens delen.",
    ),
    Situation(
        key="school_change",
        title="Een leerling gaat naar een andere school (onderwijskundig rapport)",
        answer=(
            "Gaat een leerling naar een andere school, dan moet de school een onderwijskundig rapport opstellen en "
            "aan de nieuwe school geven (artikel 42 WPO). Dat is een wettelijke plicht: de school vraagt de ouders "
            "er geen toestemming voor. Het is geen overdracht onder een afspraak in deze app."
        ),
        steps=(
            "De school stelt het rapport op en stuurt het naar de nieuwe school, meestal via de Overstapservice "
            "Onderwijs (OSO).",
            "De ouders krijgen een kopie van het rapport en mogen er hun mening over geven.",
            "Zet er alleen in wat de nieuwe school nodig heeft om de leerling goed verder te helpen.",
            "Deze plicht heeft alleen de school. Wil de kinderopvang iets aan een school buiten het IKC geven, dan "
            "is daar een eigen grondslag voor nodig, meestal toestemming van de ouders.",
        ),
        why="Onderwijskundig rapport, artikel 42 WPO: een wettelijke plicht (grondslag c, artikel 6 lid 1 AVG).",
    ),
    Situation(
        key="parent_without_authority",
        title="Een ouder zonder gezag vraagt hoe het met het kind gaat",
        answer=(
            "Een ouder zonder gezag beslist niet mee over het kind, maar heeft wel recht op informatie. Vraagt hij "
            "of zij erom, dan geeft uw organisatie informatie over belangrijke zaken van het kind, zoals hoe het "
            "zich ontwikkelt (artikel 1:377c BW). Dat is geen overdracht onder een afspraak."
        ),
        steps=(
            "Geef alleen op verzoek, en niet meer dan u de ouder met gezag over hetzelfde zou vertellen.",
            "Geef niets als dat tegen het belang van het kind ingaat, bijvoorbeeld als de rechter het contact heeft "
            "beperkt of de veiligheid van het kind in het geding is. Overleg dan met uw directeur.",
            "Een ouder zonder gezag beslist niet: zijn of haar toestemming, weigering of bezwaar telt niet voor een "
            "afspraak. Het kind is jonger dan 16; alleen de ouders met gezag beslissen.",
            "Leg vast wat u vertelde, aan wie en wanneer.",
        ),
        why="Informatierecht van de ouder zonder gezag, artikel 1:377c BW; geen wettelijk vertegenwoordiger (artikel "
        "1:245 BW).",
    ),
    Situation(
        key="police",
        title="De politie vraagt gegevens van een kind of een ouder",
        answer=(
            "U hoeft de politie niets te geven zonder vordering: een formeel verzoek op grond van het Wetboek van "
            "Strafvordering, bijvoorbeeld artikel 126nc of 126nd Sv. Een vraag aan de telefoon of aan de deur is "
            "geen vordering. Dit is geen overdracht onder een afspraak."
        ),
        steps=(
            "Geef niets meteen. Vraag om de vordering op schrift, met de naam en functie van wie het vraagt.",
            "Geef het verzoek door aan uw directeur en de functionaris gegevensbescherming (FG); zij beoordelen het.",
            "Geef alleen wat de vordering vraagt, niet meer.",
            "Leg vast wie wat vroeg, op welke grond, en wat er is gegeven.",
            "Is het kind in acuut gevaar? Dan is het een noodsituatie: bel 112.",
        ),
        why="Geen plicht om te geven zonder vordering (Wetboek van Strafvordering, o.a. artikel 126nc en 126nd Sv); "
        "delen vraagt altijd een grondslag (artikel 6 AVG).",
    ),
    Situation(
        key="professional_secrecy",
        title="Informatie van een jeugdarts, uit een zorgoverleg of van de intern begeleider",
        answer=(
            "Wat een jeugdarts, jeugdverpleegkundige of maatschappelijk werker weet, valt onder hun beroepsgeheim. "
            "Dat is geen informatie voor een uitwisseling tussen kinderopvang en school, en het hoort niet in een "
            "overdracht onder een afspraak."
        ),
        steps=(
            "Iemand met een beroepsgeheim deelt alleen met toestemming van de ouders of volgens de eigen "
            "beroepsregels, zoals de meldcode. Vraag het niet via deze app op.",
            "De intern begeleider heeft geen wettelijk beroepsgeheim, maar wel een geheimhoudingsplicht: wat in een "
            "zorgoverleg is besproken, gaat niet zomaar naar de andere organisatie van het IKC.",
            "Wil de andere organisatie iets weten? Laat de ouders het contact leggen, of vraag hun toestemming voor "
            "dat ene doel.",
        ),
        why="Beroepsgeheim van onder meer de jeugdarts (artikel 7:457 BW, artikel 88 Wet BIG) en de "
        "jeugdhulpverlener (artikel 7.3.11 Jeugdwet).",
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
            "worker or the municipality. Asking is always allowed; answering is not."
        ),
        steps=(
            "Do not give data without a legal basis: usually the parents' consent is needed.",
            "Is a pupil moving to another school? Then the educational report is a legal duty, not a matter of "
            "consent: see below.",
            "Talk with the parents rather than about them: let them make the contact, or ask their consent for "
            "this one purpose.",
            "If you only want advice on your approach, discuss the child without a name.",
            "When in doubt, ask your organisation's privacy officer.",
        ),
        why="No agreement and no legal basis (GDPR article 6): no sharing.",
    ),
    Situation(
        key="school_change",
        title="A pupil moves to another school (educational report)",
        answer=(
            "When a pupil moves to another school, the school must write an educational report (onderwijskundig "
            "rapport) and give it to the new school (article 42 of the Primary Education Act, WPO). That is a legal "
            "duty: the school does not ask the parents for consent. It is not a transfer under an agreement in this "
            "app."
        ),
        steps=(
            "The school writes the report and sends it to the new school, usually through the school transfer "
            "service OSO (Overstapservice Onderwijs).",
            "The parents get a copy of the report and may give their view on it.",
            "Put in only what the new school needs to help the pupil on.",
            "Only the school has this duty. If the childcare organisation wants to give something to a school "
            "outside the IKC, it needs its own legal basis, usually the parents' consent.",
        ),
        why="Educational report, article 42 WPO: a legal duty (basis c, GDPR article 6(1)).",
    ),
    Situation(
        key="parent_without_authority",
        title="A parent without parental authority asks how the child is doing",
        answer=(
            "A parent without parental authority does not decide about the child, but does have a right to "
            "information. If they ask, your organisation gives information about important matters concerning the "
            "child, such as how the child is developing (Civil Code article 1:377c). That is not a transfer under an "
            "agreement."
        ),
        steps=(
            "Give it only on request, and no more than you would tell the parent with authority about the same.",
            "Give nothing if that goes against the child's interest, for example when a court has restricted "
            "contact or the child's safety is at stake. Consult your director then.",
            "A parent without authority does not decide: their consent, refusal or objection does not count for an "
            "agreement. The child is under 16; only the parents with authority decide.",
            "Record what you told, to whom and when.",
        ),
        why="Right to information of a parent without parental authority, Civil Code article 1:377c; not a legal "
        "representative (article 1:245).",
    ),
    Situation(
        key="police",
        title="The police ask for data about a child or a parent",
        answer=(
            "You do not have to give the police anything without a formal demand (vordering) under the Code of "
            "Criminal Procedure, for example article 126nc or 126nd. A question on the phone or at the door is not "
            "such a demand. This is not a transfer under an agreement."
        ),
        steps=(
            "Do not give anything straight away. Ask for the demand in writing, with the name and position of the "
            "person asking.",
            "Pass the request on to your director and the data protection officer; they assess it.",
            "Give only what the demand asks for, nothing more.",
            "Record who asked for what, on which legal ground, and what was given.",
            "Is the child in acute danger? Then it is an emergency: call 112.",
        ),
        why="No duty to give data without a demand (Code of Criminal Procedure, e.g. articles 126nc and 126nd); "
        "sharing always needs a legal basis (GDPR article 6).",
    ),
    Situation(
        key="professional_secrecy",
        title="Information from a youth health doctor, a care meeting or the special needs coordinator",
        answer=(
            "What a youth health doctor, youth health nurse or social worker knows falls under their professional "
            "secrecy. It is not information for an exchange between childcare and school, and it does not belong in "
            "a transfer under an agreement."
        ),
        steps=(
            "Someone bound by professional secrecy shares only with the parents' consent or under their own "
            "professional rules, such as the reporting code. Do not ask for it through this app.",
            "The special educational needs coordinator (intern begeleider) has no statutory professional secrecy, "
            "but does have a duty of confidentiality: what was discussed in a care meeting does not simply go to "
            "the other organisation of the IKC.",
            "Does the other organisation want to know something? Let the parents make the contact, or ask their "
            "consent for that one purpose.",
        ),
        why="Professional secrecy of, among others, the youth health doctor (Civil Code article 7:457, BIG Act "
        "article 88) and the youth care worker (Youth Act article 7.3.11).",
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
