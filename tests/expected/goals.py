# Expected parse of the goals, principles, complementary plans and footnotes of the
# HGKBP 2025-2029, written by reading the plan text.

GOALS: list[dict] = [
    {
        "code": "HD1",
        "number": 1,
        "title": "We vergroten het draagvlak voor gelijke kansen en mensenrechten",
        "operational_goals": [
            {
                "code": "OD1.1",
                "title": "We tonen het belang van gelijke kansen voor alle burgers",
                "actions": [1],
            },
            {
                "code": "OD1.2",
                "title": "We monitoren het draagvlak voor gelijke kansen en mensenrechten",
                "actions": [2],
            },
            {
                "code": "OD1.3",
                "title": "We vergroten het draagvlak voor gelijke kansen en mensenrechten",
                "actions": [3, 4, 5],
            },
        ],
        "related_plans": [
            "Geïntegreerd actieplan Horizontaal Integratiebeleid (GAHI)",
            "Vlaams actieplan Armoedebestrijding (VAPA)",
            "Jeugd- en Kinderrechtenbeleidsplan (JKP)",
            "Geïntegreerd actieplan voor het beleid voor de preventie van gewelddadige radicalisering, extremisme en terrorisme",
            "Vlaams actieplan ter bestrijding van gendergerelateerd geweld",
        ],
    },
    {
        "code": "HD2",
        "number": 2,
        "title": "We bestrijden alle vormen van discriminatie en bouwen aan één gedeelde Vlaamse gemeenschap",
        "operational_goals": [
            {
                "code": "OD2.1",
                "title": "We zetten in op het voorkomen van discriminatie",
                "actions": [6, 7, 8, 9, 10],
            },
            {
                "code": "OD2.2",
                "title": "We versterken de kennis rond discriminatie en mensenrechten bij burgers en dienstverlening",
                "actions": [11, 12, 13, 14],
            },
        ],
        "related_plans": [
            "Geïntegreerd actieplan Horizontaal Integratiebeleid (GAHI)",
            "Vlaams actieplan Armoedebestrijding (VAPA)",
            "Jeugd- en Kinderrechtenbeleidsplan (JKP)",
            "Geïntegreerd actieplan voor het beleid voor de preventie van gewelddadige radicalisering, extremisme en terrorisme",
            "Vlaams actieplan ter bestrijding van gendergerelateerd geweld",
        ],
    },
    {
        "code": "HD3",
        "number": 3,
        "title": "We maken werk van een integraal toegankelijke leefomgeving",
        "operational_goals": [
            {
                "code": "OD3.1",
                "title": "We sensibiliseren rond het belang van toegankelijkheid",
                "actions": [15],
            },
            {
                "code": "OD3.2",
                "title": "We zorgen voor een coherent en ambitieus Vlaams toegankelijkheidsbeleid",
                "actions": [16],
            },
            {
                "code": "OD3.3",
                "title": "We analyseren en verhogen de toegankelijkheid in Vlaanderen",
                "actions": [17, 18, 19, 20],
            },
        ],
        "related_plans": [
            "Geïntegreerd actieplan Horizontaal Integratiebeleid (GAHI)",
            "Vlaams actieplan Armoedebestrijding (VAPA)",
            "Jeugd- en Kinderrechtenbeleidsplan (JKP)",
            "Geïntegreerd actieplan voor het beleid voor de preventie van gewelddadige radicalisering, extremisme en terrorisme",
            "Vlaams actieplan ter bestrijding van gendergerelateerd geweld",
        ],
    },
    {
        "code": "HD4",
        "number": 4,
        "title": "We streven naar een digitaal inclusief Vlaanderen",
        "operational_goals": [
            {
                "code": "OD4.1",
                "title": "Vlaanderen heeft een coherente beleidsvisie over digitale inclusie",
                "actions": [21],
            },
            {
                "code": "OD4.2",
                "title": "Er bestaat een Vlaanderenbreed toegankelijk ondersteuningsnetwerk voor digitale leer- en hulpvragen",
                "actions": [22, 23],
            },
            {
                "code": "OD4.3",
                "title": "Digitale vaardigheden versterken",
                "actions": [24],
            },
            {
                "code": "OD4.4",
                "title": "De toegang tot internet, hardware en software van burgers is verhoogd",
                "actions": [25],
            },
        ],
        "related_plans": [
            "Geïntegreerd actieplan Horizontaal Integratiebeleid (GAHI)",
            "Vlaams actieplan Armoedebestrijding (VAPA)",
            "Jeugd- en Kinderrechtenbeleidsplan (JKP)",
            "Geïntegreerd actieplan voor het beleid voor de preventie van gewelddadige radicalisering, extremisme en terrorisme",
            "Vlaams actieplan ter bestrijding van gendergerelateerd geweld",
        ],
    },
    {
        "code": "HD5",
        "number": 5,
        "title": "We streven naar inclusie van personen met een handicap",
        "operational_goals": [
            {
                "code": "OD5.1",
                "title": "Vlaanderen heeft een onderbouwde, coherente en gedragen visie op de uitvoering van het IVRPH",
                "actions": [26, 27, 28],
            },
            {
                "code": "OD5.2",
                "title": "We zorgen voor positieve narratieven over personen met een handicap",
                "actions": [29],
            },
            {
                "code": "OD5.3",
                "title": "Zorg en welzijn is inclusief",
                "actions": [30],
            },
            {
                "code": "OD5.4",
                "title": "We streven naar inclusief onderwijs",
                "actions": [31, 32],
            },
            {
                "code": "OD5.5",
                "title": "We bouwen verder aan inclusief werk",
                "actions": [33, 34, 35],
            },
            {
                "code": "OD5.6",
                "title": "We stimuleren inclusief wonen in de maatschappij",
                "actions": [36, 37],
            },
            {
                "code": "OD5.7",
                "title": "We verhogen de inclusie in alle levensdomeinen",
                "actions": [38, 39],
            },
        ],
        "related_plans": [
            "Geïntegreerd actieplan Horizontaal Integratiebeleid (GAHI)",
            "Vlaams actieplan Armoedebestrijding (VAPA)",
            "Jeugd- en Kinderrechtenbeleidsplan (JKP)",
            "Geïntegreerd actieplan voor het beleid voor de preventie van gewelddadige radicalisering, extremisme en terrorisme",
            "Vlaams actieplan ter bestrijding van gendergerelateerd geweld",
        ],
    },
    {
        "code": "HD6",
        "number": 6,
        "title": "We verhogen het welbevinden en de acceptatie van lgbti+ personen",
        "operational_goals": [
            {
                "code": "OD6.1",
                "title": "Er zijn meer positieve narratieven rond seksuele, gender- en seksediversiteit",
                "actions": [40, 41, 42],
            },
            {
                "code": "OD6.2",
                "title": "Er is een laagdrempelig onthaal- en ontmoetingsaanbod voor lgbti+ personen",
                "actions": [43],
            },
            {
                "code": "OD6.3",
                "title": "We versterken het zorg- en welzijnsaanbod voor lgbti+ personen",
                "actions": [44],
            },
            {
                "code": "OD6.4",
                "title": "Verschillende levensdomeinen zijn meer inclusief voor lgbti+ personen",
                "actions": [45, 46, 47, 48],
            },
        ],
        "related_plans": [
            "Geïntegreerd actieplan Horizontaal Integratiebeleid (GAHI)",
            "Vlaams actieplan Armoedebestrijding (VAPA)",
            "Jeugd- en Kinderrechtenbeleidsplan (JKP)",
            "Geïntegreerd actieplan voor het beleid voor de preventie van gewelddadige radicalisering, extremisme en terrorisme",
            "Vlaams actieplan ter bestrijding van gendergerelateerd geweld",
        ],
    },
    {
        "code": "HD7",
        "number": 7,
        "title": "We streven naar gendergelijkheid in alle aspecten van het maatschappelijk leven",
        "operational_goals": [
            {
                "code": "OD7.1",
                "title": "Er zijn meer positieve narratieven over gendergelijkheid",
                "actions": [49, 50, 51],
            },
            {
                "code": "OD7.2",
                "title": "We versterken gendersensitieve (gezondheids)zorg",
                "actions": [52, 53],
            },
            {
                "code": "OD7.3",
                "title": "We zorgen voor gendergelijkheid op de arbeidsmarkt",
                "actions": [54, 55, 56],
            },
        ],
        "related_plans": [
            "Geïntegreerd actieplan Horizontaal Integratiebeleid (GAHI)",
            "Vlaams actieplan Armoedebestrijding (VAPA)",
            "Jeugd- en Kinderrechtenbeleidsplan (JKP)",
            "Geïntegreerd actieplan voor het beleid voor de preventie van gewelddadige radicalisering, extremisme en terrorisme",
            "Vlaams actieplan ter bestrijding van gendergerelateerd geweld",
        ],
    },
]

PRINCIPLES: list[str] = [
    "Mensenrechten als uitgangspunt van het beleid",
    "Het gelijkekansenbeleid is per definitie horizontaal",
    "Breed waar mogelijk, specifiek waar nodig",
]

COMPLEMENTARY_PLANS: list[str] = [
    "Het Geïntegreerd Actieplan Horizontaal Integratiebeleid",
    "Het Jeugd- en Kinderrechtenbeleidsplan",
    "Het Vlaams Actieplan Armoedebestrijding",
    "Het Vlaams Actieplan Gendergerelateerd Geweld",
    "Het Ouderenbeleidsplan",
]

FOOTNOTES: list[dict] = [
    {
        "number": 1,
        "text": "https://codex.vlaanderen.be/portals/codex/documenten/1017082.html#H1041412",
        "urls": [
            "https://codex.vlaanderen.be/portals/codex/documenten/1017082.html#H1041412",
        ],
    },
    {
        "number": 2,
        "text": "https://themis.vlaanderen.be/files/b0e4d5d0-0568-11f0-aa09-bb2fd0f284bf/download?name=VR%202025%202103%20DOC.0175-1%20Horizontaal%20Gelijkekansenbeleidsplan%20-%20nota%20BIS.pdf&content-disposition=inline",
        "urls": [
            "https://themis.vlaanderen.be/files/b0e4d5d0-0568-11f0-aa09-bb2fd0f284bf/download?name=VR%202025%202103%20DOC.0175-1%20Horizontaal%20Gelijkekansenbeleidsplan%20-%20nota%20BIS.pdf&content-disposition=inline",
        ],
    },
    {
        "number": 3,
        "text": "El Yattouti, Inghels, Van Assche en Van de Velde,, “'Get me another nurse!’: Nurses’ Ideas on Discrimination by Patients, Policy, and Self-Sufficiency, Working paper, 2025.",
        "urls": [],
    },
    {
        "number": 4,
        "text": "JOP monitor 2024.",
        "urls": [],
    },
]
