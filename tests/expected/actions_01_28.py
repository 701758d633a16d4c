# Expected parse of actions 1-28 of data/source/hgkbp-2025-2029.txt,
# written by reading the plan text against docs/parse-rules.md (not from parser output).

ACTIONS: list[dict] = [
    {
        "number": 1,
        "title": "Analyse voordelen gelijkekansenmaatregelen",
        "operational_goal": "OD1.1",
        "goal": "HD1",
        "description": [
            {
                "type": "paragraph",
                "text": "We maken een analyse van de voordelen die bepaalde gelijkekansenmaatregelen in Vlaanderen hebben voor de algemene gezondheid, veiligheid en economie. We schrijven hiervoor een onderzoeksopdracht uit. Kandidaten dienen een onderzoeksvoorstel in waarbij de focus ligt op gelijkekansenmaatregelen binnen de domeinen van de deelnemende ministers. We gebruiken de resultaten als basis voor verdere beleidsmaatregelen. De betrokken ministers doen een gezamenlijke verklaring over de aangetoonde meerwaarde van gelijke kansen.",
            },
        ],
        "responsible": [
            "Gelijke Kansen",
        ],
        "collaborators": [
            "Armoedebestrijding",
            "Cultuur",
            "Integratie en Inburgering",
            "Jeugd",
            "Wonen",
            "Welzijn",
            "Werk",
        ],
        "other_partners": [],
        "timeline": {
            "text": "2026 - 2027",
            "start_year": 2026,
            "end_year": 2027,
        },
        "indicators": [
            "1 analyserapport",
            "1 communicatie",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
    {
        "number": 2,
        "title": "Onderzoek naar houdingen tegenover mensen met bepaalde kenmerken",
        "operational_goal": "OD1.2",
        "goal": "HD1",
        "description": [
            {
                "type": "paragraph",
                "text": "In samenwerking met de Vlaamse Statistische Autoriteit (VSA) zetten we in op de ontwikkeling van nieuwe Vlaamse openbare statistieken over de houdingen ten opzichte van mannen en vrouwen, holebi’s, trans personen, intersekse personen en personen met een handicap. Deze oefening gebeurt in het kader van het Vlaams statistisch programma 2025-2029.",
            },
        ],
        "responsible": [
            "Gelijke Kansen",
        ],
        "collaborators": [],
        "other_partners": [
            "Vlaamse regering",
        ],
        "timeline": {
            "text": "2025 - 2029",
            "start_year": 2025,
            "end_year": 2029,
        },
        "indicators": [
            "Minstens 1 bevraging naar de houding tegenover deze groepen mensen",
            "Rapportering",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
    {
        "number": 3,
        "title": "We verhogen het draagvlak rond gelijke kansen en mensenrechten binnen de LEADER community",
        "operational_goal": "OD1.3",
        "goal": "HD1",
        "description": [
            {
                "type": "paragraph",
                "text": "LEADER (Liaisons entre actions de dévelopment de l'économie rurale) is een subsidieprogramma voor plattelandsontwikkeling, waarbij lokale gemeenschappen zelf aan zet zijn om de lokale noden, relevante ontwikkeldoelstellingen en gewenste acties te formuleren. Jaarlijks organiseert de Vlaamse Landmaatschappij in samenwerking met het Vlaams Ruraal Netwerk twee LEADER-dagen. Deze dagen hebben als doel om de Lokale Actiegroepen en de projectpromotoren als voornaamste actoren binnen LEADER samen te brengen, kennis te delen en goede praktijken uit te wisselen met als doel de uitvoering van het LEADER-programma te versterken. De LEADER-dagen in 2026 zullen mede worden georganiseerd rond het thema gelijke kansen en mensenrechten. Via een gevarieerd programma van lezingen door experten in het veld en interactieve sessies met goede praktijken en brainstormsessies over hoe gelijke kansen en mensenrechten verder opgenomen kunnen worden in het LEADER-programma, verhogen we de bewustwording en het draagvlak.",
            },
        ],
        "responsible": [
            "Plattelandsbeleid",
        ],
        "collaborators": [
            "Gelijke Kansen",
        ],
        "other_partners": [],
        "timeline": {
            "text": "2026",
            "start_year": 2026,
            "end_year": 2026,
        },
        "indicators": [
            "2 LEADER-dagen",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
    {
        "number": 4,
        "title": "Gelijke kansen en mensenrechten als horizontaal thema in het gemeenschappelijk landbouwbeleid na 2027",
        "operational_goal": "OD1.3",
        "goal": "HD1",
        "description": [
            {
                "type": "paragraph",
                "text": "Bij de ontwikkeling van de LEADER-maatregelen binnen het gemeenschappelijk landbouwbeleid (GLB) post 2027, hebben we aandacht voor gelijke kansen en mensenrechten als horizontaal thema doorheen de gebiedsgerichte werking.",
            },
        ],
        "responsible": [
            "Plattelandsbeleid",
        ],
        "collaborators": [
            "Gelijke Kansen",
        ],
        "other_partners": [],
        "timeline": {
            "text": "2026",
            "start_year": 2026,
            "end_year": 2026,
        },
        "indicators": [
            "Minstens 1 LEADER-maatregel binnen het nieuwe GLB strategisch plan na 2027 met aandacht voor gelijke kansen, integrale toegankelijkheid en digitale inclusie",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
    {
        "number": 5,
        "title": "Versterkte dialoog tussen VRT en gelijkekansenorganisaties",
        "operational_goal": "OD1.3",
        "goal": "HD1",
        "description": [
            {
                "type": "paragraph",
                "text": "VRT zet de dialoog die ze nu al onderhoudt met verschillende organisaties actief in het domein van diversiteit en inclusie verder. Ze bekijkt met partners op welke manier deze dialoog geoptimaliseerd kan worden. Hierin staat enerzijds de expertise van deze organisaties centraal; anderzijds de redactionele onafhankelijkheid van VRT. De adviseur diversiteit en inclusie van VRT plant jaarlijks overleggen met partnerorganisaties die werken rond diversiteit en inclusie om inzicht te krijgen in wat beter kan en neemt de nodige opvolgacties.",
            },
        ],
        "responsible": [
            "Media",
        ],
        "collaborators": [
            "Gelijke Kansen",
        ],
        "other_partners": [],
        "timeline": {
            "text": "2025-2029",
            "start_year": 2025,
            "end_year": 2029,
        },
        "indicators": [
            "Jaarlijks minstens 1 gesprek waaraan minstens 3 partnerorganisaties van het gelijkekansenbeleid aanwezig zijn",
            "Jaarlijkse rapportage in het jaarverslag over het gesprek, de deelnemers aan het gesprek, de geformuleerde verbeterpunten en geplande opvolgacties",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
    {
        "number": 6,
        "title": "Opname non-discriminatieclausule",
        "operational_goal": "OD2.1",
        "goal": "HD2",
        "description": [
            {
                "type": "paragraph",
                "text": "Een non-discriminatieclausule is een doeltreffend instrument in de strijd tegen discriminatie. het merendeel van de Vlaamse beleidsdomeinen integreerden dit al in hun overheidsopdrachten. We bouwen hierop verder door ook in andere beleidsdomeinen een non-discriminatieclausule in te voeren voor overheidsopdrachten en/of projectfinanciering. De departementen en agentschappen sporen daarnaast hun eigen netwerk aan de non-discriminatieclausule over te nemen en in de praktijk toe te passen.",
            },
        ],
        "responsible": [
            "Gelijke Kansen",
        ],
        "collaborators": [
            "Armoedebestrijding",
            "Cultuur",
            "Media",
            "Toerisme",
            "Welzijn",
        ],
        "other_partners": [],
        "timeline": {
            "text": "2025-2029",
            "start_year": 2025,
            "end_year": 2029,
        },
        "indicators": [
            "De deelnemende beleidsvelden integreren een non-discriminatieclausule in overheidsopdrachten en/of projectfinanciering.",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
    {
        "number": 7,
        "title": "Discriminatie en gelijke kansen in opleidingen van (toekomstige) professionals",
        "operational_goal": "OD2.1",
        "goal": "HD2",
        "description": [
            {
                "type": "paragraph",
                "text": "We versterken het lesaanbod binnen verschillende vakgebieden zodat (toekomstige) professionals, zoals hulpverleners, leerkrachten, sociaal werkers, architecten, ... een gestructureerd en onderbouwd lesaanbod hebben over o.a. discriminatie, handicap, gender (bv. rond vrouwenlichamen), seksuele, gender- en seksediversiteit, digitale inclusie en toegankelijkheid. Daarvoor brengen we eerst het bestaand aanbod van opleidingen en bijscholingen in kaart via een mapping. Waar nodig ontwikkelen we leerlijnen, curricula en materialen voor verschillende vakgebieden en gelijkekansenthema’s en communiceren we over dat aanbod.",
            },
        ],
        "responsible": [
            "Gelijke Kansen",
        ],
        "collaborators": [
            "Jeugd",
        ],
        "other_partners": [],
        "timeline": {
            "text": "Mapping in 2026. De uitkomst van de mapping zal de opvolgacties en bijhorende timing bepalen.",
            "start_year": 2026,
            "end_year": None,
        },
        "indicators": [
            "1 mapping",
            "Aantal te ontwikkelen materialen is afhankelijk van de uitkomst van de mapping",
            "1 communicatie",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
    {
        "number": 8,
        "title": "Inventarisatie aanbod omstaanderstrainingen",
        "operational_goal": "OD2.1",
        "goal": "HD2",
        "description": [
            {
                "type": "paragraph",
                "text": "Er bestaat een uiteenlopend aanbod van omstaanderstrainingen, vaak met een andere focus. Zo zijn er omstaanderstrainingen rond discriminatie, racisme en intimidatie, andere die een specifieke focus leggen op seksueel grensoverschrijdend gedrag, racisme, ongewenste ervaringen door lgbti+ personen of online omstaanders van online haatspraak, ... We inventariseren het aanbod, met de inhoudelijke verschillen en werkwijze, zodat er zicht is op het landschap en eventuele hiaten. We maken dit aanbod bekend zodat afnemers gerichter trainingen kunnen organiseren of volgen.",
            },
        ],
        "responsible": [
            "Gelijke Kansen",
        ],
        "collaborators": [
            "Cultuur",
            "Integratie en Inburgering",
            "Jeugd",
            "Welzijn",
        ],
        "other_partners": [],
        "timeline": {
            "text": "2025-2029",
            "start_year": 2025,
            "end_year": 2029,
        },
        "indicators": [
            "1 inventarisatie",
            "1 communicatie",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
    {
        "number": 9,
        "title": "Bestrijding discriminatie ten aanzien van zorgverleners",
        "operational_goal": "OD2.1",
        "goal": "HD2",
        "description": [
            {
                "type": "paragraph",
                "text": "Recent onderzoek toont aan dat patiënten zorgverleners soms afwijzen omwille van hun geslacht, huidskleur, religie of seksuele oriëntatie. We bekijken met de zorgkoepels wat al ondernomen wordt om discriminatie tegenover zorgverleners tegen te gaan en bepalen de nodige opvolgacties. We houden daarbij rekening met de wet betreffende de rechten van patiënten.",
            },
        ],
        "responsible": [
            "Gelijke Kansen",
        ],
        "collaborators": [
            "Welzijn",
        ],
        "other_partners": [],
        "timeline": {
            "text": "2026-2029",
            "start_year": 2026,
            "end_year": 2029,
        },
        "indicators": [
            "1 analyse met opvolgacties.",
        ],
        "refers_to_action": None,
        "footnotes": [3],
    },
    {
        "number": 10,
        "title": "Praktijktesten op de arbeidsmarkt",
        "operational_goal": "OD2.1",
        "goal": "HD2",
        "description": [
            {
                "type": "paragraph",
                "text": "We voeren praktijktesten in voor de arbeidsmarkt op sectorniveau. We doen daarbij een beroep op wetenschappelijke ondersteuning met een gefaseerde cyclus die omvat: een nulmeting, een verbeterplan met de nadruk op sensibilisering zonder culpabilisering, en een opvolgmeting",
            },
        ],
        "responsible": [
            "Werk",
        ],
        "collaborators": [
            "Gelijke Kansen",
        ],
        "other_partners": [],
        "timeline": {
            "text": "2025-2029",
            "start_year": 2025,
            "end_year": 2029,
        },
        "indicators": [
            "1 nulmeting",
            "1 verbeterplan",
            "1 ronde praktijktesten",
            "1 opvolgmeting",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
    {
        "number": 11,
        "title": "Kennisversterking binnen de Vlaamse Overheid over discriminatie, mensenrechten en het Vlaams Mensenrechteninstituut (VMRI)",
        "operational_goal": "OD2.2",
        "goal": "HD2",
        "description": [
            {
                "type": "paragraph",
                "text": "We versterken de kennis binnen de Vlaamse Overheid over discriminatie en de werking van het Vlaams Mensenrechteninstituut. Daarvoor organiseren we webinars voor het personeel van de Vlaamse Overheid met als inhoud:",
            },
            {
                "type": "list",
                "style": "bullet",
                "items": [
                    "Wat zijn mensenrechten en discriminatie en waarom is kennis hierover van belang voor beleidsmakers?",
                    "Wat is de werking van het VMRI?",
                    "Wat kan de impact zijn voor beleidsvorming van oordelen, aanbevelingen, adviezen of voorstellen van het VMRI?",
                ],
            },
        ],
        "responsible": [
            "Gelijke Kansen",
        ],
        "collaborators": [
            "Armoedebestrijding",
            "Cultuur",
            "Integratie en Inburgering",
            "Jeugd",
            "Media",
            "Omgeving",
            "Toerisme",
            "Welzijn",
        ],
        "other_partners": [],
        "timeline": {
            "text": "2025-2029",
            "start_year": 2025,
            "end_year": 2029,
        },
        "indicators": [
            "1 webinar",
            "Webinar werd 5 keer gegeven",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
    {
        "number": 12,
        "title": "Uitbreiding maatregelen tegen grensoverschrijdend gedrag met antidiscriminatiemaatregelen",
        "operational_goal": "OD2.2",
        "goal": "HD2",
        "description": [
            {
                "type": "paragraph",
                "text": "Het is belangrijk om het verschil tussen grensoverschrijdend gedrag (GOG) en discriminatie te herkennen, ook al is dat in de praktijk niet altijd even eenvoudig. Zo kan GOG bijvoorbeeld ook discriminatie zijn als het gedrag gelinkt is aan een criterium dat door antidiscriminatiewetgeving beschermd is, zoals geslacht en gender, gezondheidstoestand, seksuele oriëntatie, afkomst of leeftijd. Tegelijk kan een ervaring die niet onder GOG valt wel mogelijke discriminatie zijn en is het belangrijk dat mensen ook in die gevallen de nodige informatie krijgen.",
            },
            {
                "type": "paragraph",
                "text": "Voor aanspreekpunten en hulpverleners, bijvoorbeeld, is het dan ook essentieel om deze nuances te kennen en beide vormen van ongewenst gedrag passend te kunnen aanpakken. De strategieën om het beleid rond GOG te versterken met het thema discriminatie kan variëren per samenwerkend beleidsveld, bijvoorbeeld door de opleiding van aanspreekpunten integriteit binnen het jeugdwerk aan te vullen met de thema’s discriminatie en racisme. Ook binnen Welzijn zetten we in op het versterken van de kennis rond discriminatie bij hulpverleners. We zorgen ervoor dat de verschillende organisaties die inzetten op hulpverlening aan slachtoffers en de hulplijnen op de hoogte zijn van de bestaande anti-discriminatieorganisaties en hier gericht naar doorverwijzen",
            },
            {
                "type": "paragraph",
                "text": "Voor het beleidsveld Cultuur nemen we de uitbreiding van kennis rond grensoverschrijdend gedrag met kennis over discriminatie op binnen het nieuwe actieplan voor bestrijding van grensoverschrijdend gedrag in de cultuursector.",
            },
        ],
        "responsible": [
            "Gelijke Kansen",
        ],
        "collaborators": [
            "Cultuur",
            "Jeugd",
            "Welzijn",
        ],
        "other_partners": [],
        "timeline": {
            "text": "2026-2029",
            "start_year": 2026,
            "end_year": 2029,
        },
        "indicators": [
            "1 actie per samenwerkende bevoegdheid, afhankelijk van de gebruikte strategie",
            "Overzicht van de anti-discriminatieorganisaties",
            "Jaarlijkse mailing van (een update van) het overzicht naar hulpverleningsorganisaties en hulplijnen",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
    {
        "number": 13,
        "title": "Weerbaarheidsworkshops digitaal geweld",
        "operational_goal": "OD2.2",
        "goal": "HD2",
        "description": [
            {
                "type": "paragraph",
                "text": "Onderzoek toont dat bepaalde mensen vaker digitaal geweld meemaken, zoals denigrerende uitspraken of uitlatingen die aanzetten tot haat, trolling of cyberpesten omwille van bepaalde kenmerken. Dit geweld heeft dikwijls een discriminatoire component. Zo’n geweld moet uiteraard aangepakt worden. Tegelijk kunnen weerbaarheidsworkshops groepen die dit vaker meemaken helpen om discriminerend digitaal geweld te herkennen, gezonde manieren te vinden om om te gaan met dit geweld, de nodige hulp te zoeken of klacht in te dienen, maar ook om zich -in de mate van het mogelijke- te beschermen tegen dergelijk geweld. Deze actie wil allerminst de oorzaak of verantwoordelijkheid voor het digitaal geweld bij (potentiële) slachtoffers leggen, maar hen in een veilige omgeving vaardigheden bijbrengen om digitaal geweld te herkennen en ermee om te gaan, onderling ervaringen uit te wisselen en steun te vinden bij elkaar.",
            },
        ],
        "responsible": [
            "Gelijke Kansen",
        ],
        "collaborators": [
            "Welzijn",
            "Media",
        ],
        "other_partners": [],
        "timeline": {
            "text": "2026",
            "start_year": 2026,
            "end_year": 2026,
        },
        "indicators": [
            "1 projectoproep m.b.t. weerbaarheidsworkshops digitaal geweld",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
    {
        "number": 14,
        "title": "Evaluatie actieplan ‘Vlaams antidiscriminatiebeleid op de private huurmarkt’",
        "operational_goal": "OD2.2",
        "goal": "HD2",
        "description": [
            {
                "type": "paragraph",
                "text": "We evalueren het actieplan ‘Vlaams antidiscriminatiebeleid op de private huurmarkt’ met het oog op bijsturing en hernieuwing van het maatregelenpakket tegen discriminatie op de private huurmarkt. De evaluatie wordt uitgevoerd door het Steunpunt Wonen. De bedoeling is om knelpunten of beperkingen in de huidige aanpak in kaart te brengen en de Vlaamse overheid inspiratie te bieden bij de uitwerking van een nieuw actieplan. Op basis van de onderzoeksbevindingen en aanbevelingen werken we acties uit, die opgenomen worden bij de herziening van het actieplan in 2027.",
            },
            {
                "type": "paragraph",
                "text": "Tegelijk blijft het aangewezen om in te zetten op de meldingsbereidheid. De bereidheid bij slachtoffers van discriminatie om een melding te maken ligt traditioneel laag. Verschillende redenen kunnen een verklaring bieden, zoals het feit dat een melding geen directe oplossing biedt voor het probleem dat men geen woning vindt, maar ook het feit dat het recent opgericht VMRI mogelijks nog niet bekend genoeg is. We nemen daarom het initiatief om slachtoffers van discriminatie beter toe te leiden naar het VMRI.",
            },
        ],
        "responsible": [
            "Wonen",
        ],
        "collaborators": [
            "Gelijke Kansen",
        ],
        "other_partners": [],
        "timeline": {
            "text": "Evaluatie in 2025. Herziening van het actieplan in 2027.",
            "start_year": 2025,
            "end_year": 2027,
        },
        "indicators": [
            "1 evaluatie",
            "1 nieuw actieplan",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
    {
        "number": 15,
        "title": "Algemene bewustwordingscampagne ‘Week van de toegankelijkheid’",
        "operational_goal": "OD3.1",
        "goal": "HD3",
        "description": [
            {
                "type": "paragraph",
                "text": "Heel wat mensen zijn zich niet bewust van wat toegankelijkheid betekent, hoe ruim het gaat, welke mogelijkheden er zijn, wat de impact is voor velen in de samenleving en hoe eenieder kan bijdragen aan een betere toegankelijkheid. Eens de bewustwording en kennis er is, voelen veel meer mensen zich gesterkt om hier werk van te maken. Daarom is het belangrijk om te sensibiliseren over (digitale) toegankelijkheid. In eerste orde binnen de Vlaamse overheid, in tweede orde naar gerichte beroepsgroepen. Best is namelijk eerst de interne organisatie mee, voordat er extern gesensibiliseerd wordt. Als Vlaamse overheid geven we het goede voorbeeld.",
            },
            {
                "type": "paragraph",
                "text": "We zetten opnieuw samen met Inter een Week van de Toegankelijkheid op. We bepalen de invulling in samenspraak met andere deelnemende entiteiten zodat sensibiliseringacties op elkaar afgestemd zijn.",
            },
        ],
        "responsible": [
            "Gelijke Kansen",
        ],
        "collaborators": [
            "Armoedebestrijding",
            "Cultuur",
            "Integratie en Inburgering",
            "Jeugd",
            "Media",
            "Sport",
            "Toerisme",
            "Welzijn",
            "Werk",
            "Wonen",
        ],
        "other_partners": [],
        "timeline": {
            "text": "Campagne in 2026",
            "start_year": 2026,
            "end_year": 2026,
        },
        "indicators": [
            "1 campagne",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
    {
        "number": 16,
        "title": "Evaluatie minimale woningkwaliteitsnormen",
        "operational_goal": "OD3.2",
        "goal": "HD3",
        "description": [
            {
                "type": "paragraph",
                "text": "Inter en de Vlaamse adviesraad handicap, NOOZO, stellen vast dat heel wat gebouwen na oplevering niet voldoen aan de toegankelijkheidsvoorschriften van de geldende verordening. Ze stellen daarom voor om ook minimale eisen voor toegankelijkheid op te nemen bij de herziening van de woningkwaliteitsnormen.",
            },
            {
                "type": "paragraph",
                "text": "We evalueren de minimale woningkwaliteitsnormen om erover te waken dat het normenkader actueel en relevant blijft. De evaluatie zal in eerste instantie gebeuren via een wetenschappelijk onderzoek door het Steunpunt Wonen. De centrale onderzoeksvraag is of het huidige normenkader beantwoordt aan de doelstelling om via deze normen een minimaal niveau van kwaliteitsvol, veilig en gezond wonen vast te stellen waarmee een behoorlijke huisvesting is gegarandeerd. Het is de bedoeling om het brede kader van minimale vereisten te bekijken. Een vraag daarbij is of alle kwesties, waarover minimale vereisten gewenst zouden zijn, effectief zijn opgenomen. We integreren het opnemen van minimale vereisten i.v.m. toegankelijkheid in de scope van het onderzoek. De onderzoekers zullen de internationale wetenschappelijke literatuur screenen en andere landen bestuderen om te kijken of, in welke mate, en hoe minimale vereisten i.v.m. toegankelijkheid zijn opgenomen en welke aanbevelingen hieromtrent te formuleren zijn in Vlaamse context.",
            },
            {
                "type": "paragraph",
                "text": "Het onderzoek zal een eerste aanzet zijn waarin de wenselijkheid van dergelijke vereisten in beeld wordt gebracht. Indien een diepgaande analyse noodzakelijk blijkt, kan dit het voorwerp uitmaken van vervolgstudie vanaf 2026.",
            },
        ],
        "responsible": [
            "Wonen",
        ],
        "collaborators": [
            "Gelijke Kansen",
        ],
        "other_partners": [],
        "timeline": {
            "text": "Oplevering onderzoek in 2026; Timing regelgevende wijzigingen nog te bepalen",
            "start_year": 2026,
            "end_year": None,
        },
        "indicators": [
            "Toegankelijkheid als woningkwaliteit opgenomen binnen het conformiteitsattest",
            "De woningkwaliteitsnormen worden geëvalueerd",
            "De regelgeving wordt (eventueel) aangepast",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
    {
        "number": 17,
        "title": "Actieve lerende netwerken toegankelijkheid",
        "operational_goal": "OD3.3",
        "goal": "HD3",
        "description": [
            {
                "type": "paragraph",
                "text": "Lokale besturen vormen een belangrijke schakel in de verwezenlijking van een toegankelijk Vlaanderen. We zetten de ondersteuning door Inter van lokale besturen bij het vormgeven van hun lokaal toegankelijkheidsbeleid verder. Via een continue uitbreiding van de toolbox ‘Toegankelijke steden en gemeenten’ en via de organisatie van verschillende lerende netwerken zet Inter in op het informeren en inspireren van lokale besturen.",
            },
            {
                "type": "paragraph",
                "text": "In twee algemene netwerken ligt de focus op uitwisseling rond de brede toegankelijkheidsthematiek. Dit op maat van enerzijds centrumsteden en anderzijds niet-centrumsteden. Twee andere lerende netwerken gaan thematisch aan de slag, één rond toegankelijke speeltuinen en één rond toegankelijke cultuur en evenementen. Hierbij leggen we bruggen met de bestaande sectoren en bestaande sectorale lerende netwerken zoals ‘Goe Gespeeld’. Bij het lerend netwerk rond toegankelijke speeltuinen betrekken we ook de provincies.",
            },
        ],
        "responsible": [
            "Gelijke Kansen",
        ],
        "collaborators": [
            "Binnenlands Bestuur",
            "Cultuur",
            "Jeugd",
        ],
        "other_partners": [],
        "timeline": {
            "text": "2026-2029",
            "start_year": 2026,
            "end_year": 2029,
        },
        "indicators": [
            "4 lerende netwerken",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
    {
        "number": 18,
        "title": "Uitbouw van toegankelijke kustjachthavens voor G-Sport zeilen",
        "operational_goal": "OD3.3",
        "goal": "HD3",
        "description": [
            {
                "type": "paragraph",
                "text": "We nemen verdere stappen om de drempels voor G-sport weg te nemen en de Vlaamse kustjachthavens toegankelijk te maken voor iedereen. We ondernemen daarvoor gezamenlijke initiatieven die inspelen op de noden van de G-sporters in de watersportsector, waaronder onderzoek, proefomgevingen, technische realisaties en bewustwordingscampagnes.",
            },
        ],
        "responsible": [
            "Mobiliteit",
        ],
        "collaborators": [
            "Toerisme",
            "Sport",
        ],
        "other_partners": [],
        "timeline": {
            "text": "2025-2026",
            "start_year": 2025,
            "end_year": 2026,
        },
        "indicators": [
            "Minstens 1 gezamenlijk initiatief",
            "Stijging van aantal G-sporters voor waterrecreatie in Vlaanderen",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
    {
        "number": 19,
        "title": "Ondersteuning scholen in creëren van toegankelijke infrastructuur",
        "operational_goal": "OD3.3",
        "goal": "HD3",
        "description": [
            {
                "type": "paragraph",
                "text": "We geven scholen voor gewoon onderwijs en scholen voor buitengewoon onderwijs die samenwerken in één inclusieve context voorrang voor het ontvangen van investeringsmiddelen voor infrastructuur via capaciteitsmiddelen. De middelen worden ingezet voor de scholen gewoon en buitengewoon onderwijs die samenwerken en zich engageren om als één school te functioneren, en die ook het engagement aangaan om de toegekende middelen aan te wenden voor het realiseren van een integraal toegankelijke leeromgeving. AGION en het Gemeenschapsonderwijs (GO!) verkennen de mogelijkheid om, in samenwerking met Inter, begeleidingstrajecten op maat te organiseren voor de pioniersscholen. Deze trajecten kunnen scholen ondersteunen van bij het ontwerp tot en met de uitvoering van aanpassingen aan bestaande infrastructuur of bij de realisatie van nieuwe gebouwen. De begeleiding focust op het streven naar een integraal toegankelijk gebouw en omgeving, en bij uitbreiding naar een inclusieve leeromgeving in de brede zin.",
            },
        ],
        "responsible": [
            "Onderwijs",
        ],
        "collaborators": [
            "Gelijke Kansen",
        ],
        "other_partners": [],
        "timeline": {
            "text": "2025 - 2026",
            "start_year": 2025,
            "end_year": 2026,
        },
        "indicators": [
            "Aantal scholen dat investeringsmiddelen toegekend krijgt voor het creëren van een toegankelijke infrastructuur.",
            "In scholen die gebruik maakten van de extra middelen om aanpassingen te doen aan de infrastructuur, in het kader van pioniersscholen, is het aantal inschrijvingen van leerlingen met specifieke noden gestegen.",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
    {
        "number": 20,
        "title": "Kwaliteitsvolle natuurbeleving met oog voor toegankelijkheid voor iedereen.",
        "operational_goal": "OD3.3",
        "goal": "HD3",
        "description": [
            {
                "type": "paragraph",
                "text": "We willen de toegankelijkheid van de Vlaamse natuurgebieden voor iedereen verbeteren. We maken daarom een kwalitatieve analyse met het oog op het definiëren van de betekenis van toegankelijkheid voor en door iedereen in de Vlaamse natuur. Daarna maken we een realistisch actieplan op, inclusief budgetplan, waarbij gericht en gefaseerd enkele domeinen onder de loep worden genomen en aangepakt om de toegankelijkheid te verbeteren en duurzaam in stand te houden.",
            },
            {
                "type": "paragraph",
                "text": "De actie omvat:",
            },
            {
                "type": "list",
                "style": "numbered",
                "items": [
                    "In kaart brengen van hiaten en mogelijke optimalisaties van die domeinen waar reeds integraal toegankelijke paden aanwezig zijn.",
                    "Toewerken naar één domein per provincie dat voldoet aan alle kwaliteitsstandaarden voor toegankelijkheid voor iedereen.",
                ],
            },
        ],
        "responsible": [
            "Omgeving",
        ],
        "collaborators": [
            "Toerisme",
            "Gelijke Kansen",
        ],
        "other_partners": [],
        "timeline": {
            "text": "2025 - 2028",
            "start_year": 2025,
            "end_year": 2028,
        },
        "indicators": [
            "Gevalideerde kwaliteitsstandaard voor toegankelijke natuurdomeinen voor en door iedereen",
            "Aantal toegankelijkheidsregelingen met aandacht voor toegankelijkheid voor en door iedereen.",
            "Aantal ingerichte natuurgebieden toegankelijk voor iedereen.",
            "Aantal kennisdelingsmomenten",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
    {
        "number": 21,
        "title": "Heldere en coherente Vlaamse beleidsvisie rond digitale inclusie",
        "operational_goal": "OD4.1",
        "goal": "HD4",
        "description": [
            {
                "type": "paragraph",
                "text": "We ontwikkelen een heldere en coherente bovenlokale beleidsvisie rond digitale inclusie, waarbij we beleidslijnen en -doelstellingen over de verschillende departementen op elkaar afstemmen. Vele relanceprojecten lopen af en zijn zoekende naar mogelijkheden tot verduurzaming. Het is dus opportuun om een Vlaamse visie digitale inclusie op te stellen en zo een kader te bieden aan deze verduurzaming. De definitie van digitale inclusie met de vier pijlers van een digitaal inclusiebeleid, zoals opgenomen in het Gelijkekansendecreet, kan de basis vormen voor deze Vlaamse beleidsvisie in afstemming met de relevante Vlaamse beleidsdomeinen, relevante plannen en initiatieven rond digitalisering, zoals de Digitale Strategie en het Dienstverleningscharter, en lokale besturen. We vertrekken steeds van het principe dat digitalisering complementair is aan een sterke fysieke dienstverlening, met oog voor toegankelijkheid voor burgers",
            },
        ],
        "responsible": [
            "Gelijke Kansen",
            "Digitalisering",
            "Binnenlands Bestuur",
        ],
        "collaborators": [
            "Integratie en Inburgering",
            "Jeugd",
            "Justitie",
            "Media",
            "Toerisme",
            "Werk",
        ],
        "other_partners": [],
        "timeline": {
            "text": "2025 - 2026",
            "start_year": 2025,
            "end_year": 2026,
        },
        "indicators": [
            "1 visienota",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
    {
        "number": 22,
        "title": "Gezamenlijke visie rond lokale ondersteuningsplekken voor burgers",
        "operational_goal": "OD4.2",
        "goal": "HD4",
        "description": [
            {
                "type": "paragraph",
                "text": "De departementen WEWIS en ABB werken een gezamenlijke visie uit rond lokale ondersteuningsplekken voor burgers (digibanken, digipunten en dergelijke meer) met aandacht voor een gestroomlijnde strategie vanuit de Vlaamse overheid. De ambitie is om in 2025 tot een gezamenlijke visie te komen, met het oog op de mogelijkheden tot continuïteit in het digitale inclusieaanbod in 2026. Binnen de gezamenlijke visie wordt bekeken op welke manier een kader voor duurzame professionalisering van lokale ondersteuningsplekken vorm kan krijgen, met een combinatie van professionele krachten en vrijwillige digihelpers. We zetten hierbij in op de organisatie van lokale laagdrempelige ondersteuning bij digitale leer- en hulpvragen en (digitale) dienstverlening. Er wordt bekeken hoe een basisaanbod aan ondersteuningsplekken in heel Vlaanderen kan bestaan, ook in zones waar dat momenteel nog niet het geval is.",
            },
        ],
        "responsible": [
            "Gelijke Kansen",
        ],
        "collaborators": [
            "Sociale Economie",
        ],
        "other_partners": [],
        "timeline": {
            "text": "2025",
            "start_year": 2025,
            "end_year": 2025,
        },
        "indicators": [
            "1 visienota",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
    {
        "number": 23,
        "title": "Digitale inclusie in het kader van ‘Gemeentehuis van de Toekomst’ projecten",
        "operational_goal": "OD4.2",
        "goal": "HD4",
        "description": [
            {
                "type": "paragraph",
                "text": "Het Gemeentehuis van de Toekomst-programma ondersteunt lokale besturen bij hun digitale transformatie, met digitale inclusie als een centraal uitgangspunt. Het programma zet in op het ontwerpen van digitale diensten die van bij de start inclusief zijn. We vertrekken steeds van het principe dat digitalisering complementair is aan een sterke fysieke dienstverlening, met oog voor toegankelijkheid voor burgers. Binnen Gelijke Kansen ontwikkelden we reeds verschillende methoden om lokale besturen te ondersteunen in hun beleid rond digitale inclusie. Deze methoden helpen hen om de uitdagingen die burgers ervaren bij het gebruik van digitale diensten te begrijpen en stimuleren gebruikersparticipatie. . Gelijke Kansen zal ondersteuning bieden om deze methoden te integreren in het Gemeentehuis van de Toekomst -programma. De samenwerkende ministers bekijken of de ontwikkeling van bijkomende ondersteuningsacties nodig is.",
            },
        ],
        "responsible": [
            "Binnenlands Bestuur",
            "Gelijke Kansen",
            "Digitalisering",
        ],
        "collaborators": [],
        "other_partners": [],
        "timeline": {
            "text": "2026 - 2029",
            "start_year": 2026,
            "end_year": 2029,
        },
        "indicators": [
            "Lokale besturen worden via het GvdT-programma ondersteund rond digitale inclusie.",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
    {
        "number": 24,
        "title": "Ondersteuning van mantelzorgers bij het overbruggen van digitale drempels",
        "operational_goal": "OD4.3",
        "goal": "HD4",
        "description": [
            {
                "type": "paragraph",
                "text": "Mantelzorgers ervaren administratieve en digitale drempels. Door toegankelijke hulpmiddelen en ondersteuning aan te bieden, willen we hen helpen om digitale drempels te overwinnen zodat hun taken makkelijker worden. In overleg met organisaties zoals het Vlaamse Expertisepunt Mantelzorg, Verenigingen voor mantelzorgers en gebruikers en het Departement Zorg brengen we de digitale drempels en noden in kaart. Op basis van deze inzichten, en samen met o.a. de partnerorganisaties voor digitale inclusie, bekijken we hoe we deze drempels kunnen wegwerken.",
            },
        ],
        "responsible": [
            "Gelijke Kansen",
        ],
        "collaborators": [
            "Welzijn",
        ],
        "other_partners": [],
        "timeline": {
            "text": "2025 - 2026",
            "start_year": 2025,
            "end_year": 2026,
        },
        "indicators": [
            "1 analyse met opvolgacties",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
    {
        "number": 25,
        "title": "Recht op digitale leermiddelen in het Digiplan",
        "operational_goal": "OD4.4",
        "goal": "HD4",
        "description": [
            {
                "type": "paragraph",
                "text": 'Met het Digiplan versterken we de digitale inclusiviteit in het onderwijs door digitalisering niet als doel op zich te benaderen, maar als hefboom voor beter en rechtvaardiger onderwijs. Het plan focust op structurele ondersteuning voor scholen, leerkrachten en leerlingen, met bijzondere aandacht voor kwetsbare groepen. We investeren in digitale basisinfrastructuur, toegankelijke leermiddelen, professionele ontwikkeling van leraren en het wegwerken van digitale drempels. Zo zorgen we ervoor dat elke leerling – ongeacht achtergrond of thuissituatie – volwaardig kan deelnemen aan het digitale leerproces. Het Digiplan voorziet dat scholen onder meer via sociale correcties, het recht van elke leerling op toegang tot digitale leermiddelen en het recht op vrije schoolkeuze garanderen. Sociale correcties kunnen o.a. bestaan uit het aanbieden van een uitleendienst, het voorzien van kosteloze alternatieven of het toepassen van gedifferentieerde bijdragen. Scholen die het gebruik van digitale leermiddelen buiten de schooluren vereisen, moeten voorzien in een uitleendienst. Alleen in het secundair onderwijs kan voor deze uitleendienst een huurprijs worden aangerekend aan de ouders of wettelijke vertegenwoordigers. Deze prijs moet redelijk zijn en in verhouding staan tot het gebruik en de referentieprijzen."',
            },
        ],
        "responsible": [
            "Onderwijs",
        ],
        "collaborators": [
            "Gelijke Kansen",
        ],
        "other_partners": [],
        "timeline": {
            "text": "2025 - 2029",
            "start_year": 2025,
            "end_year": 2029,
        },
        "indicators": [
            "Aantal leerlingen die beroep kunnen doen op gedeelde infrastructuur en een uitleendienst in scholen",
            "Aantal leerlingen uit kwetsbare groepen die gebruik kunnen maken van digitale leermiddelen",
            "Jaarlijkse evaluatie van het Digiplan, inclusief de impact op de schoolfactuur, het recht van vrije schoolkeuze, de pedagogische keuzes, de referentieprijzen en de ontvangen werkingsmiddelen voor digitaliseringsbeleid.",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
    {
        "number": 26,
        "title": "Vlaamse strategie voor de uitvoering van het IVRPH",
        "operational_goal": "OD5.1",
        "goal": "HD5",
        "description": [
            {
                "type": "paragraph",
                "text": "Vlaanderen streeft naar inclusie van personen met een handicap en ratificeerde in 2009 het IVRPH. De verdere uitvoering van het verdrag geeft Vlaanderen vorm in een overkoepelende strategie die aansluit bij de interfederale strategie Handicap (2022-2030) en de Europese Strategie inzake rechten van personen met een handicap (2021-2030). Om de uitvoering van het IVRPH op te volgen, maakt Vlaanderen ook werk van een monitoringkader.",
            },
            {
                "type": "paragraph",
                "text": "De minister van Gelijke Kansen en Welzijn neemt een coördinerende rol op. Met de Vlaamse strategie voor de uitvoering van het IVRPH bundelen we de relevante acties uit het Horizontaal Gelijkekansenbeleidsplan en acties van andere beleidsvelden. We ontwikkelen de strategie met de betrokkenheid van alle beleidsvelden en de organisaties van personen met een handicap. De strategie bevat duidelijke stappen die de weg wijzen naar de verdere maatschappelijke inclusie van personen met een handicap in Vlaanderen. De bestaande overlegstructuren met de aanspreekpunten in de Vlaamse departementen en agentschappen kunnen hierbij ingezet worden. Door deze brede betrokkenheid wordt de kennis over het IVRPH uitgebreid en wordt onrechtstreeks gesensibiliseerd.",
            },
            {
                "type": "paragraph",
                "text": "We bekijken hoe we de opmaak en uitvoering van de Vlaamse strategie voor de verdere realisatie van het IVRPH en het Perspectiefplan 2040 op elkaar kunnen afstemmen.",
            },
        ],
        "responsible": [
            "Gelijke Kansen",
        ],
        "collaborators": [
            "Armoedebestrijding",
            "Jeugd",
            "Justitie",
            "Media",
            "Sociale Economie",
            "Sport",
            "Toerisme",
            "Welzijn",
            "Werk",
            "Wonen",
        ],
        "other_partners": [],
        "timeline": {
            "text": "2025 -2029",
            "start_year": 2025,
            "end_year": 2029,
        },
        "indicators": [
            "1 strategienota",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
    {
        "number": 27,
        "title": "Perspectief 2040",
        "operational_goal": "OD5.1",
        "goal": "HD5",
        "description": [
            {
                "type": "paragraph",
                "text": "Het VAPH en de sector voor personen met een handicap formuleerden een ambitieuze finaliteit voor 2040: “Een kwaliteitsvol leven voor iedere persoon met een handicap in een open en toegankelijke samenleving”. Om deze doelstelling tegen 2040 te kunnen waarmaken en met het oog op de verdere uitvoering van het IVRPH maken we werk van een langetermijnplan “Perspectief 2040” waarbij we een concrete visie en doelstellingen ontwikkelen voor een meer inclusieve en toegankelijke samenleving over alle beleidsdomeinen heen.",
            },
            {
                "type": "paragraph",
                "text": "We bekijken hoe de opmaak en uitvoering van het Perspectiefplan 2040 en van de Vlaamse strategie voor de verdere realisatie van het IVRPH op elkaar kunnen aansluiten en afgestemd geraken.",
            },
        ],
        "responsible": [
            "Welzijn",
        ],
        "collaborators": [
            "Armoedebestrijding",
            "Gelijke Kansen",
            "Jeugd",
            "Toerisme",
            "Werk",
            "Wonen",
        ],
        "other_partners": [],
        "timeline": {
            "text": "2026 -2040",
            "start_year": 2026,
            "end_year": 2040,
        },
        "indicators": [
            "1 overheidsbrede, door de Vlaamse Regering geconsolideerde conceptnota “Perspectief 2040”",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
    {
        "number": 28,
        "title": "Erkenning en uitvoering van beleidsparticipatie van personen met een handicap",
        "operational_goal": "OD5.1",
        "goal": "HD5",
        "description": [
            {
                "type": "paragraph",
                "text": "In 2022 erkende de Vlaamse Regering NOOZO voor de periode 2022-2026 als advies- en beleidsparticipatieraad van mensen met een handicap. NOOZO staat voor ‘Niets Over Ons Zonder Ons’ en verenigt de belangrijkste verenigingen van personen met een handicap op Vlaams niveau. Sinds 2024 is ook het platform Handicap en Arbeid ingekanteld in NOOZO. Handicap en Arbeid versterkt de stem van personen met een handicap en is een partner van het arbeidsmarktbeleid voor inclusie op de arbeidsmarkt. Hiervoor nemen ze een proactieve rol op in diverse beleidsfora",
            },
            {
                "type": "paragraph",
                "text": "De Vlaamse Regering legde bij de erkenning in 2022 ook vast dat elke Vlaamse reglementering met potentieel belangrijke impact op de positie van mensen met een handicap voor advies voorgelegd wordt aan de advies- en participatieraad van mensen met een handicap. Dit gebeurt nog niet altijd. De deelnemende beleidsdomeinen engageren zich om deze afspraak na te leven.",
            },
            {
                "type": "paragraph",
                "text": "We voorzien tijdig de beleidsparticipatie voor de periode na 2026.",
            },
        ],
        "responsible": [
            "Gelijke Kansen",
        ],
        "collaborators": [
            "Armoedebestrijding",
            "Welzijn",
            "Werk",
        ],
        "other_partners": [],
        "timeline": {
            "text": "2025 - 2026",
            "start_year": 2025,
            "end_year": 2026,
        },
        "indicators": [
            "Aantal posities waarin de advies- en participatieraad van mensen met een handicap vertegenwoordigend voor personen met een handicap optreedt om adviezen en standpunten te duiden",
            "Aantal adviezen op vraag",
        ],
        "refers_to_action": None,
        "footnotes": [],
    },
]
