"""The demo site's facts, in the project's own words.

Figures come from the organisation's published reports; every sentence here
was written for this demo.
"""

ORGANISATION = "Defenders' Solidarity Network"

COUNTRIES = [
    # (ISO code, English, French, Spanish, region)
    ("KE", "Kenya", "Kenya", "Kenia", "africa"),
    ("BI", "Burundi", "Burundi", "Burundi", "africa"),
    ("CN", "China", "Chine", "China", "asia-pacific"),
    ("MN", "Mongolia", "Mongolie", "Mongolia", "asia-pacific"),
    ("PH", "Philippines", "Philippines", "Filipinas", "asia-pacific"),
    ("AF", "Afghanistan", "Afghanistan", "Afganistán", "asia-pacific"),
    ("EG", "Egypt", "Égypte", "Egipto", "mena"),
    ("SA", "Saudi Arabia", "Arabie saoudite", "Arabia Saudita", "mena"),
    ("VE", "Venezuela", "Venezuela", "Venezuela", "americas"),
    ("NI", "Nicaragua", "Nicaragua", "Nicaragua", "americas"),
    ("MX", "Mexico", "Mexique", "México", "americas"),
    ("CO", "Colombia", "Colombie", "Colombia", "americas"),
    ("US", "United States", "États-Unis", "Estados Unidos", "americas"),
    ("RU", "Russia", "Russie", "Rusia", "europe-central-asia"),
    ("UA", "Ukraine", "Ukraine", "Ucrania", "europe-central-asia"),
]

THEMES = [
    ("women-defenders", "Women human rights defenders"),
    ("lgbti-rights", "LGBTI rights"),
    ("environmental-defenders", "Environmental defenders"),
    ("corporate-accountability", "Business and human rights"),
    ("migrants-refugees", "Rights of migrants and refugees"),
    ("reprisals", "Reprisals"),
    ("civic-space", "Civic space"),
    ("racial-justice", "Racial justice"),
]

PROGRAMMES = [
    (
        "equality",
        "Equality and non-discrimination",
        "Work with defenders who challenge discrimination based on gender, sexual orientation, race or status.",
    ),
    (
        "environmental-justice",
        "Environmental justice",
        "Support for defenders of land, water and climate, and for laws that protect them.",
    ),
    (
        "international-accountability",
        "International accountability",
        "Using the UN and regional systems to hold governments to account where national courts cannot.",
    ),
    (
        "rule-of-law",
        "Transparency and the rule of law",
        "Protection laws, open institutions and an enabling environment for civil society.",
    ),
]

SDGS = [
    (5, "Gender equality"),
    (10, "Reduced inequalities"),
    (13, "Climate action"),
    (16, "Peace, justice and strong institutions"),
    (17, "Partnerships for the goals"),
]

PEOPLE = [
    ("Amara Okafor", "Executive Director"),
    ("Lucía Ferreira", "Chair of the Board"),
    ("Daniel Whitfield", "Programme Manager, International Accountability"),
    ("Mei Tanaka", "Communications Officer"),
]

# The snippets in French and Spanish, by the English key: (French, Spanish).
THEMES_TRANSLATED = {
    "women-defenders": (
        "Femmes défenseures des droits humains",
        "Mujeres defensoras de derechos humanos",
    ),
    "lgbti-rights": ("Droits des personnes LGBTI", "Derechos de las personas LGBTI"),
    "environmental-defenders": (
        "Défenseur·es de l'environnement",
        "Personas defensoras del medio ambiente",
    ),
    "corporate-accountability": ("Entreprises et droits humains", "Empresas y derechos humanos"),
    "migrants-refugees": (
        "Droits des personnes migrantes et réfugiées",
        "Derechos de las personas migrantes y refugiadas",
    ),
    "reprisals": ("Représailles", "Represalias"),
    "civic-space": ("Espace civique", "Espacio cívico"),
    "racial-justice": ("Justice raciale", "Justicia racial"),
}

PROGRAMMES_TRANSLATED = {
    # slug: ((French name, French summary), (Spanish name, Spanish summary))
    "equality": (
        (
            "Égalité et non-discrimination",
            "Aux côtés des défenseur·es qui combattent les discriminations liées au genre, "
            "à l'orientation sexuelle, à la race ou au statut.",
        ),
        (
            "Igualdad y no discriminación",
            "Junto a las personas defensoras que combaten la discriminación por género, "
            "orientación sexual, raza o situación migratoria.",
        ),
    ),
    "environmental-justice": (
        (
            "Justice environnementale",
            "Un soutien aux défenseur·es de la terre, de l'eau et du climat, et aux lois qui "
            "les protègent.",
        ),
        (
            "Justicia ambiental",
            "Apoyo a quienes defienden la tierra, el agua y el clima, y a las leyes que les "
            "protegen.",
        ),
    ),
    "international-accountability": (
        (
            "Responsabilité internationale",
            "L'ONU et les systèmes régionaux au service des défenseur·es, pour demander des "
            "comptes aux gouvernements là où les tribunaux nationaux ne le peuvent pas.",
        ),
        (
            "Rendición de cuentas internacional",
            "La ONU y los sistemas regionales al servicio de las personas defensoras, para pedir "
            "cuentas a los gobiernos cuando los tribunales nacionales no pueden.",
        ),
    ),
    "rule-of-law": (
        (
            "Transparence et état de droit",
            "Des lois de protection, des institutions ouvertes et un environnement favorable à "
            "la société civile.",
        ),
        (
            "Transparencia y Estado de derecho",
            "Leyes de protección, instituciones abiertas y un entorno propicio para la sociedad "
            "civil.",
        ),
    ),
}

SDGS_TRANSLATED = {
    5: ("Égalité entre les sexes", "Igualdad de género"),
    10: ("Inégalités réduites", "Reducción de las desigualdades"),
    13: ("Lutte contre les changements climatiques", "Acción por el clima"),
    16: ("Paix, justice et institutions efficaces", "Paz, justicia e instituciones sólidas"),
    17: ("Partenariats pour la réalisation des objectifs", "Alianzas para lograr los objetivos"),
}

# People keep their names; their roles are translated.
PEOPLE_ROLES_TRANSLATED = {
    "Executive Director": ("Directrice exécutive", "Directora ejecutiva"),
    "Chair of the Board": (
        "Présidente du conseil d'administration",
        "Presidenta de la junta directiva",
    ),
    "Programme Manager, International Accountability": (
        "Responsable du programme Responsabilité internationale",
        "Responsable del programa de Rendición de cuentas internacional",
    ),
    "Communications Officer": ("Chargée de communication", "Encargada de comunicación"),
}

# Headline patterns for the Monitor: {country} is filled in; each has the
# themes, programme and kind it belongs to.
HEADLINES = [
    (
        "{country}: defenders ask the UN to act on arbitrary detentions",
        ["reprisals"],
        "international-accountability",
        "news",
    ),
    (
        "{country}: civil society sets priorities before the Universal Periodic Review",
        ["civic-space"],
        "international-accountability",
        "news",
    ),
    (
        "{country}: a draft NGO law would restrict foreign funding",
        ["civic-space"],
        "rule-of-law",
        "statement",
    ),
    (
        "Land and water defenders in {country} face mounting harassment",
        ["environmental-defenders"],
        "environmental-justice",
        "news",
    ),
    (
        "{country}: women defenders call for a national protection law",
        ["women-defenders"],
        "equality",
        "news",
    ),
    (
        "Reprisals for cooperating with the UN: the case of {country}",
        ["reprisals"],
        "international-accountability",
        "statement",
    ),
    (
        "{country}: companies must respect defenders' right to protest",
        ["corporate-accountability"],
        "environmental-justice",
        "statement",
    ),
    (
        "{country}: LGBTI activists document a wave of police raids",
        ["lgbti-rights"],
        "equality",
        "news",
    ),
    (
        "{country}: migrant rights defenders criminalised for rescue work",
        ["migrants-refugees"],
        "rule-of-law",
        "news",
    ),
    (
        "Training in Geneva: defenders from {country} prepare their advocacy",
        ["civic-space"],
        "international-accountability",
        "event",
    ),
    (
        "{country}: racial justice campaigners meet UN experts",
        ["racial-justice"],
        "equality",
        "event",
    ),
    (
        "Urgent appeal: free the detained defenders of {country}",
        ["reprisals", "women-defenders"],
        "international-accountability",
        "appeal",
    ),
]

ARTICLE_PARAGRAPHS = [
    "Defenders working in {country} told us that the space for their work has narrowed over the past year. "
    "Several organisations reported surveillance, travel bans and smear campaigns in state-aligned media.",
    "With partners on the ground, we briefed diplomats in Geneva and asked them to raise these concerns "
    "publicly, at the Human Rights Council and in their bilateral relations with the authorities.",
    "Protection starts with recognition. We urge the authorities to acknowledge the legitimacy of human "
    "rights work, to investigate attacks promptly, and to repeal provisions that criminalise it.",
]

ANNUAL_REPORTS = [
    {
        "year": 2017,
        "period": (2016, 2016),
        "title": "Annual report 2017: supporting defenders, achieving change",
        "summary": "A hard year for defenders, and what partnership and strategic advocacy still achieved in 2016.",
        "highlights": [
            "Contributed to positive developments for defenders despite what UN experts called an unprecedented attack on them.",
            "Consulted more than 700 activists and advocates to shape a new strategic framework for 2017–2020.",
        ],
        "figures": [(700, "+", "activists and advocates consulted for the new strategy")],
        "sdgs": [16, 17],
    },
    {
        "year": 2020,
        "period": (2019, 2019),
        "title": "Annual report 2020: supporting defenders, serving humanity",
        "summary": "Impact in 2019 and over a decade of work to recognise, enable and protect human rights defenders.",
        "highlights": [
            "Gave intensive training and advocacy support to more than 375 defenders.",
            "Opened an e-learning space used by more than 1,200 defenders.",
            "Worked with over 1,300 civil society organisations from 174 countries to renew the UN mandate on sexual orientation and gender identity.",
            "Helped secure the first UN resolution on environmental human rights defenders, adopted by consensus.",
            "Published action sheets on diplomatic initiatives to protect defenders.",
        ],
        "figures": [
            (375, "+", "defenders trained and supported"),
            (1200, "+", "defenders using the e-learning space"),
            (1300, "+", "civil society organisations mobilised"),
            (174, "", "countries those organisations came from"),
        ],
        "sdgs": [5, 10, 13, 16],
    },
    {
        "year": 2021,
        "period": (2020, 2020),
        "title": "Annual report 2021: supporting humanity's essential workers",
        "summary": "Creativity, solidarity and resilience in 2020: a virtual training programme, new partnerships and a new strategy.",
        "highlights": [
            "Ran the first fully virtual advocacy programme for 19 defenders over twelve weeks.",
            "Helped civil society in Mongolia draft a national law recognising and protecting defenders.",
            "Kept UN human rights bodies working and accessible to defenders through the pandemic.",
        ],
        "figures": [
            (19, "", "defenders in the virtual advocacy programme"),
            (100, "%", "of participants satisfied with the programme"),
            (70, "%", "of participants very satisfied"),
        ],
        "sdgs": [5, 16],
    },
]

STRATEGIES = [
    {
        "slug": "strategic-framework-2017-2020",
        "title": "Strategic framework 2017–2020",
        "period": (2017, 2020),
        "vision": "",
        "mission": "To build defenders' capacity, strengthen their protection and amplify their impact, in tumultuous times.",
        "goals": [
            (
                "Expand our reach",
                "Digital training, a fellowship for defenders at risk, handbooks in more languages and formats.",
            ),
            (
                "Strengthen our partnerships",
                "Deeper collaboration with civil society and alliances with progressive businesses.",
            ),
            (
                "Deepen our impact on the ground",
                "National protection laws and mechanisms, and a global network of focal points.",
            ),
        ],
        "tactics": [
            "Training and advocacy support",
            "Lobbying for protection laws",
            "Strategic litigation with pro bono partners",
        ],
        "values": [],
        "figures": [(700, "+", "activists consulted")],
        "consultation": (
            700,
            None,
            "Face-to-face consultations with activists and advocates from around the world.",
        ),
    },
    {
        "slug": "vision-and-strategy",
        "title": "Our vision and strategy",
        "period": (2022, None),
        "vision": "All people enjoy all human rights, in communities that are diverse and inclusive, in a world that is fair, just, sustainable and peaceful.",
        "mission": "To serve, support and stand in solidarity with human rights defenders, as essential agents of progress and change.",
        "goals": [
            (
                "Defenders are equipped, connected, supported and influential",
                "Tools, skills and networks to use international and regional systems.",
            ),
            (
                "Laws and mechanisms protect defenders",
                "Recognition and protection in national law, and accountability for attacks.",
            ),
            (
                "Public and political support for defenders grows",
                "New narratives and coalitions that defend civic space.",
            ),
        ],
        "tactics": [
            "Training",
            "Advocacy at the UN and regional bodies",
            "Coalition building",
            "Strategic communication",
        ],
        "values": [
            ("Solidarity", "We work with defenders, not for them."),
            ("Courage", "We take principled positions."),
            ("Inclusion", "Those most affected lead."),
        ],
        "figures": [(47, "", "countries defenders came from last year")],
        "consultation": (
            None,
            47,
            "Consultations with defenders and partners across regions shaped this strategy.",
        ),
    },
]

STORIES = [
    {
        "slug": "story-land-defender",
        "title": "Standing with the river",
        "display_name": "Grace W.",
        "real_name": "Grace Wanjiru",
        "country": "KE",
        "programme": "environmental-justice",
        "risk": "low",
        "show_real_name": True,
        "show_face": True,
        "summary": "A community organiser who took a polluted river to court, and won a hearing.",
    },
    {
        "slug": "story-lgbti-advocate",
        "title": "Speaking in Geneva, safely",
        "display_name": "Andrés",
        "real_name": "",
        "country": "CO",
        "programme": "equality",
        "risk": "medium",
        "show_real_name": False,
        "show_face": False,
        "summary": "An LGBTI advocate who addressed the Human Rights Council by video.",
    },
    {
        "slug": "story-detained-lawyer",
        "title": "The lawyer who would not stop",
        "display_name": "A defence lawyer",
        "real_name": "Withheld for safety",
        "country": "CN",
        "programme": "international-accountability",
        "risk": "high",
        "show_real_name": False,
        "show_face": False,
        "summary": "A lawyer who defended other defenders, and was detained for it. Published after a safety review.",
    },
]

RESOURCES = [
    {
        "slug": "un-advocacy-handbook",
        "title": "Handbook: using the UN to protect defenders",
        "type": "handbook",
        "summary": "How the Human Rights Council, treaty bodies and special procedures can support your work.",
        "languages": ["en", "fr", "es"],
        "themes": ["reprisals", "civic-space"],
    },
    {
        "slug": "action-sheet-diplomats",
        "title": "Action sheet: what diplomats can do",
        "type": "action-sheet",
        "summary": "Concrete steps embassies can take when defenders are threatened.",
        "languages": ["en", "fr"],
        "themes": ["civic-space"],
    },
    {
        "slug": "model-law-guide",
        "title": "Guide to the model national law",
        "type": "guide",
        "summary": "What a national law recognising and protecting defenders should contain.",
        "languages": ["en", "es"],
        "themes": ["women-defenders", "environmental-defenders"],
    },
]

TRANSLATIONS = {
    "fr": {
        "home": (
            "Plateforme des droits humains",
            "Nous soutenons les défenseur·es des droits humains : formation, plaidoyer et l'Observatoire des droits humains.",
        ),
        "monitor": (
            "Observatoire des droits humains",
            "Les dernières nouvelles de notre travail avec les défenseur·es.",
        ),
        "programmes": (
            "Programmes",
            "Les quatre programmes par lesquels nous soutenons les défenseur·es.",
        ),
        "reports": (
            "Rapports annuels et stratégie",
            "Ce que nous avons accompli, et où nous allons.",
        ),
        "annual_report": "Rapport annuel {year}",
    },
    "es": {
        "home": (
            "Plataforma de derechos humanos",
            "Apoyamos a las personas defensoras de derechos humanos: formación, incidencia y el Monitor de derechos humanos.",
        ),
        "monitor": (
            "Monitor de derechos humanos",
            "Las últimas noticias de nuestro trabajo con las personas defensoras.",
        ),
        "programmes": (
            "Programas",
            "Los cuatro programas con los que apoyamos a las personas defensoras.",
        ),
        "reports": (
            "Informes anuales y estrategia",
            "Lo que logramos y hacia dónde vamos.",
        ),
        "annual_report": "Informe anual {year}",
    },
}
