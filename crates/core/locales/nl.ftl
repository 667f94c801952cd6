# Omega's own words, in nl. Every message here exists in every language (a test checks).

## /help

help-intro = Ik ben { $name }, je persoonlijke AI-agent. Schrijf me gewoon: stel vragen, denk hardop, vraag me je ergens aan te herinneren of later iets te doen — ik onthoud onze gesprekken.
help-commands = Opdrachten:
cmd-help = Wat Omega kan en hoe je het gebruikt
cmd-tasks = Je herinneringen en geplande taken
cmd-cancel = Een taak of achtergrondtaak annuleren: /cancel ID
cmd-bg = Op de achtergrond aan iets werken terwijl we praten: /bg TEKST
cmd-jobs = Je achtergrondtaken
cmd-memory = Wat ik over je onthoud
cmd-facts = De feiten die ik over je bewaar
cmd-history = Onze eerdere gesprekken
cmd-forget = Een nieuw gesprek beginnen
cmd-language = Mijn antwoordtaal bekijken of instellen
cmd-personality = Bekijken of instellen hoe ik me gedraag
cmd-projects = Je projecten
cmd-project = Een project activeren: /project NAAM of /project off
cmd-skills = Geïnstalleerde vaardigheden
cmd-heartbeat = De lijst met periodieke controles
cmd-learning = Wat ik met je heb geleerd
cmd-usage = Wat jij (en iedereen) vandaag hebt uitgegeven
cmd-context = Wat mijn volgende prompt bevat en hoeveel tokens elk deel kost
cmd-status = Hoe het met Omega gaat
cmd-purge = Alles wissen wat ik over je weet
cmd-link = Je geheugen delen met je account op een ander kanaal
cmd-unlink = Stoppen met het delen van je geheugen met een ander kanaal
cmd-approve = Iemand met een koppelcode toelaten
cmd-whatsapp = WhatsApp koppelen: de QR-code om met je telefoon te scannen

## Elke opdracht

cmd-failed = Dat lukte niet (databasefout: { $error }).
in-project = {" "}in project { $project }
no-project-scope = geen project

## /status

status =
    { $name } draait.
    AI: { $provider } ({ $model }); tools: { $tools }.
    Voor jou{ $scope }: { $history ->
        [one] { $history } bericht
       *[other] { $history } berichten
    } in dit gesprek, { $facts ->
        [one] { $facts } feit
       *[other] { $facts } feiten
    }, { $tasks ->
        [one] { $tasks } openstaande taak
       *[other] { $tasks } openstaande taken
    }. Tijdzone: { $tz }.
status-tools-on = aan
status-tools-provider = de provider gebruikt zijn eigen
status-tools-off = uit

## /memory, /facts, /history, /forget

memory =
    Wat ik{ $scope } over je onthoud:
    - { $facts ->
        [one] { $facts } feit
       *[other] { $facts } feiten
    } (/facts)
    - { $summaries ->
        [one] { $summaries } eerder gesprek
       *[other] { $summaries } eerdere gesprekken
    } (/history)
    - { $history ->
        [one] { $history } bericht
       *[other] { $history } berichten
    } in dit gesprek
    - { $lessons ->
        [one] { $lessons } les
       *[other] { $lessons } lessen
    } (/learning)
    Alleen jij ziet dit; anderen die met mij praten, zien jouw geheugen nooit.
facts-none = Ik bewaar nog geen feiten over je.
facts-list =
    Wat ik over je weet:
    { $facts }

    /purge wist ze.
history-current = Dit gesprek{ $scope }: tot nu toe { $count ->
    [one] { $count } bericht
   *[other] { $count } berichten
}.
history-none = Geen eerdere gesprekken.
history-earlier = Eerdere gesprekken, nieuwste eerst:
history-no-summary = (geen samenvatting)
forget-done = Klaar: we beginnen opnieuw. Wat we in dat gesprek zeiden, haal ik niet meer aan (je feiten en taken blijven; /purge wist de feiten).
forget-nothing = Er is geen gesprek om te vergeten: we beginnen al met een schone lei.

## /tasks, /cancel

tasks-none = Je hebt{ $scope } geen openstaande taken. Vraag me gerust om je ergens aan te herinneren.{ $elsewhere }
tasks-list =
    Je taken{ $scope } ({ $tz }):
    { $tasks }

    /cancel ID annuleert er een.{ $elsewhere }
task-action = {" "}(doe ik)
tasks-elsewhere = { $count ->
    [one] {"\u000A"}(Nog { $count } taak buiten dit bereik: { $scopes }; met /project wissel je.)
   *[other] {"\u000A"}(Nog { $count } taken buiten dit bereik: { $scopes }; met /project wissel je.)
}
cancel-usage = Gebruik: /cancel ID (de id die /tasks toont, of het nummer van een achtergrondtaak uit /jobs).
cancel-no-scheduler = Ik kan nu geen taken annuleren: de planner draait niet.
cancel-done = Geannuleerd: { $description } [{ $id }]
cancel-not-found = Geen enkele openstaande taak heeft de id { $id } (/tasks toont ze allemaal).
cancel-ambiguous = { $id } past bij { $count } taken; gebruik meer van de id (/tasks toont ze allemaal).

## /language, /personality

language-fixed = Ik antwoord je in het { $language }. Met /language auto volg ik de taal van je berichten.
language-auto = Ik antwoord in de taal waarin je schrijft. Met /language TAAL leg je er een vast.
language-cleared = Oké: ik antwoord in de taal waarin je schrijft.
language-set = Oké: ik antwoord je voortaan in het { $language }.
personality-current = Mijn stijl bij jou: { $style }. Met /personality reset ga je terug naar de standaard.
personality-default = Standaardstijl. Met /personality BESCHRIJVING verander je hem (bijv. "kort en formeel").
personality-cleared = Oké: terug naar mijn standaardstijl.
personality-set = Oké: vanaf nu — { $style }.

## /skills, /projects, /project

skills-none = Geen vaardigheden geïnstalleerd. Een vaardigheid is een map met een SKILL.md in { $dir }.
skills-list =
    Vaardigheden:
    { $skills }
skill-triggers = {" "}(opgeroepen door: { $triggers })
skill-unavailable = - { $skill } — niet beschikbaar: { $why } ({ $description })
skill-broken = - { $skill } — kapot: { $path }, regel { $line }: { $problem }
projects-none = Nog geen projecten. Een project is een map in { $dir }.
projects-list =
    Projecten:
    { $projects }

    /project NAAM activeert er een, /project off geen enkele.
project-active-mark = {" "}(actief)
project-active = Actief project: { $project }. /project off zet het uit.
project-none-active = Er is geen project actief. /projects toont ze allemaal.
project-off = Oké: er is geen project actief.
project-on = Oké: project { $project } is actief.
project-unknown = Er is geen project met de naam { $project } (/projects toont ze allemaal).

## /purge

purge-ask = { $count ->
    [one] Dit wist het { $count } feit dat ik over je bewaar (je taal- en stijlinstellingen blijven). Stuur /purge yes om te bevestigen.
   *[other] Dit wist de { $count } feiten die ik over je bewaar (je taal- en stijlinstellingen blijven). Stuur /purge yes om te bevestigen.
}
purge-done = { $count ->
    [one] { $count } feit gewist. Dat weet ik nu niet meer over je.
   *[other] { $count } feiten gewist. Die dingen weet ik nu niet meer over je.
}

## /heartbeat, /learning

heartbeat-empty = De lijst met periodieke controles is leeg. Vraag me er iets aan toe te voegen.
heartbeat-list =
    Periodieke controles:
    { $items }
heartbeat-interval = { $minutes ->
    [one] Interval: elke minuut.
   *[other] Interval: elke { $minutes } minuten.
}
heartbeat-skipped = Overgeslagen onderdelen: { $sections }.
learning-none = Ik heb{ $scope } nog niets specifieks met je geleerd.
learning-rules = Regels die ik{ $scope } bij jou volg:
learning-outcomes = Resultaten: van de { $total } gingen er { $good } goed en { $bad } slecht.

## /link, /unlink, /approve

link-code = Om je geheugen te delen met je account op een ander kanaal, stuur je daar binnen 10 minuten /link { $code }. Doe dit alleen voor accounts die van jou zijn.
link-done = Gekoppeld: dit account deelt nu zijn geheugen (feiten, lessen, stijl) met { $account }. /unlink maakt het ongedaan.
link-no-code = Er wacht geen linkcode { $code } (codes verlopen na 10 minuten; /link maakt een nieuwe).
link-same = Die code is op ditzelfde account gemaakt.
unlink-done = Ontkoppeld: dit account heeft weer zijn eigen geheugen.
unlink-none = Dit account is niet aan een ander gekoppeld.
approve-usage = Gebruik: /approve CODE (de code die de persoon heeft gekregen).
approve-owner-only = Alleen de eigenaar kan koppelcodes goedkeuren.
approve-welcome = Je bent goedgekeurd — zeg maar hallo!
approve-done = { $who } op { $channel } goedgekeurd: die kan nu met me praten.
approve-unknown = Geen enkel openstaand verzoek heeft code { $code } (codes verlopen na 10 minuten).
pairing-offer = Hoi! Ik praat alleen met mensen die mijn eigenaar heeft goedgekeurd. Je koppelcode is { $code } (geldig voor { $minutes } minuten): vraag de eigenaar om me /approve { $code } te sturen, of om `omega pair { $code }` uit te voeren.

## /usage

usage =
    Vandaag ({ $tz }):
    Jij: ${ $mine_usd }{ $usd_cap } en { $mine_tokens } tokens{ $token_cap } in { $calls ->
        [one] { $calls } bericht
       *[other] { $calls } berichten
    }.
    Iedereen: ${ $all_usd }{ $all_usd_cap } en { $all_tokens } tokens{ $all_token_cap }.{ $cache }
usage-usd-cap = {" "}van ${ $cap }
usage-token-cap = {" "}van { $cap }
usage-cache = {"\u000A"}Promptcache: { $percent }% van de prompttokens van vandaag kwam uit de cache ({ $read } van { $total }), wat ongeveer ${ $saved } heeft bespaard.
usage-estimated = {"\u000A"}≈ { $calls } van de aanroepen van vandaag zijn geschat (ongeveer vier tekens per token): hun aanbieder meldde geen verbruik.

## /context

context-failed = Ik kon de prompt niet opbouwen (databasefout: { $error }).
context =
    De prompt voor je volgende bericht{ $scope }, ongeveer { $total } van de { $allowed } toegestane tokens:
    - wie ik ben, wat ik kan, de regels en de lijst met vaardigheden: ~{ $stable } tokens (gecachet voor iedereen)
    - wat ik over je weet (profiel, instellingen, project, lessen, resultaten): ~{ $person } tokens (gecachet voor jou)
    - deze beurt (samenvattingen, wat ik me herinner, taken, de tijd{ $compacted }): ~{ $turn } tokens
    - dit gesprek: { $messages ->
        [one] { $messages } bericht
       *[other] { $messages } berichten
    }, ~{ $history } tokens{ $older }{ $tools }
context-compacted = {" "}en de samenvatting van het oudere deel van dit gesprek
context-older = {" "}(het oudere deel staat in de samenvatting; /history heeft alles)
context-tools = {"\u000A"}- tools: { $count }, ~{ $tokens } tokens

## /whatsapp

whatsapp-owner-only = Alleen de eigenaar kan WhatsApp koppelen.
whatsapp-not-running = WhatsApp Web draait hier niet. Het draait in de daemon (`omega start`) met [channel.whatsapp] enabled = true en mode = "web"; of koppel, terwijl Omega gestopt is, vanuit een terminal met `omega whatsapp pair`.
whatsapp-restarting = De verbinding met WhatsApp wordt opnieuw gestart; probeer het zo nog eens.
whatsapp-forgetting = WhatsApp heeft me net afgemeld en ik ben de oude sleutels nog aan het wissen; stuur zo nog eens /whatsapp.
whatsapp-already = WhatsApp is al gekoppeld. Wil je een ander nummer koppelen, verwijder Omega dan eerst op de telefoon onder Gekoppelde apparaten.
whatsapp-under-way = Het koppelen is al bezig; de volgende QR-code komt hier.
whatsapp-connecting = Verbinden met WhatsApp… er volgt een QR-code om te scannen.
whatsapp-no-answer = WhatsApp antwoordde niet binnen { $secs } s; controleer of deze machine web.whatsapp.com kan bereiken en stuur dan nog eens /whatsapp.
whatsapp-cannot-start = WhatsApp kon niet starten: { $error }
whatsapp-scan = Scan deze code met WhatsApp op je telefoon: Instellingen › Gekoppelde apparaten › Apparaat koppelen. Hij verandert over { $secs } s.
whatsapp-no-photo = (Ik kan hier geen foto sturen: voer in plaats daarvan `omega whatsapp pair` uit in een terminal.)
whatsapp-pair-code = Op je telefoon: WhatsApp › Gekoppelde apparaten › Apparaat koppelen › Koppelen met telefoonnummer, en typ { $code } (geldig { $secs } s).
whatsapp-linked = WhatsApp is gekoppeld (+{ $number }).
whatsapp-allow-hint = {" "}Wil je vanaf die telefoon met me praten ("Bericht aan jezelf"), voeg { $number } dan toe aan [channel.whatsapp] allowed_users.
whatsapp-logged-out = WhatsApp heeft me afgemeld ({ $why }): ik ontvang en verstuur geen WhatsApp-berichten meer. Stuur /whatsapp om me opnieuw te koppelen.
whatsapp-paired = De telefoon heeft me gekoppeld; ik rond de installatie met WhatsApp af…
whatsapp-stopped = WhatsApp is gestopt: { $why }.{ $next }
whatsapp-retry = { $minutes ->
    [one] {" "}Ik probeer het over { $minutes } minuut opnieuw.
   *[other] {" "}Ik probeer het over { $minutes } minuten opnieuw.
}
whatsapp-link-failed = WhatsApp koppelen is mislukt: { $error }. Stuur /whatsapp om het opnieuw te proberen.
whatsapp-qr-expired = De QR-codes zijn verlopen voordat de telefoon me koppelde. Stuur /whatsapp voor nieuwe.
whatsapp-stalled = { $minutes ->
    [one] WhatsApp geeft al { $minutes } minuut geen teken van leven: { $advice }; ik laat het je weten zodra het weer werkt.
   *[other] WhatsApp geeft al { $minutes } minuten geen teken van leven: { $advice }; ik laat het je weten zodra het weer werkt.
}
whatsapp-recovered = WhatsApp werkt weer.

## Achtergrondtaken

job-stopped = Achtergrondtaak #{ $number } ({ $title }) is gestopt: { $why }.
job-done =
    Achtergrondtaak #{ $number } is klaar ({ $title }):

    { $text }
job-failed = Achtergrondtaak #{ $number } ({ $title }) is mislukt: { $text }
job-cancelled-by-you = door jou geannuleerd
job-cancelled-before-start = door jou geannuleerd voordat hij begon
job-timed-out = { $minutes ->
    [one] hij liep langer dan { $minutes } minuut
   *[other] hij liep langer dan { $minutes } minuten
}
bg-usage = Gebruik: /bg TEKST — ik werk op de achtergrond aan TEKST en stuur je het resultaat als het klaar is (/jobs toont je achtergrondtaken).
jobs-none = Je hebt geen achtergrondtaken. /bg TEKST start er een (of vraag me iets op de achtergrond uit te zoeken).
jobs-live =
    Je achtergrondtaken:
    { $jobs }

    /cancel ID stopt er een.
jobs-finished =
    Afgerond in de afgelopen 24 uur:
    { $jobs }
job-running = #{ $number } loopt al { $duration } — { $title }
job-waiting = #{ $number } wacht op een vrije plek — { $title }
job-finished-ok = #{ $number } klaar — { $title }
job-finished-not = #{ $number } mislukt of gestopt — { $title }
job-about-to-start = #{ $number } start zo — { $title }
job-stopping = Ik stop achtergrondtaak #{ $number }; je krijgt een berichtje zodra hij gestopt is.
job-dropped = Achtergrondtaak #{ $number } is geannuleerd; hij was nog niet begonnen.
job-starting = Achtergrondtaak #{ $number } start net; probeer het zo nog eens.
job-already-finished = Achtergrondtaak #{ $number } is al klaar.
duration-secs = { $secs } s
duration-mins = { $mins } min
duration-hours = { $hours } u { $mins } min

## Bevestigingen van wat een antwoord heeft gedaan

confirm-reminder-set = ✓ Herinnering ingesteld: { $description } — { $when }{ $every } [{ $id }]
confirm-task-set = ✓ Taak ingesteld: { $description } — { $when }{ $every } [{ $id }]
confirm-every = , { $every }
confirm-reminder-already = Die herinnering staat al [{ $id }].
confirm-task-already = Die taak staat al [{ $id }].
confirm-reminder-failed = ✗ Ik kon de herinnering "{ $description }" niet instellen: { $why }.
confirm-task-failed = ✗ Ik kon de taak "{ $description }" niet instellen: { $why }.
confirm-updated = ✓ Bijgewerkt: { $description } — { $when }{ $every } [{ $id }]
confirm-update-failed = ✗ Ik kon taak { $id } niet wijzigen: { $why }.
confirm-cancelled = ✓ Geannuleerd: { $description } [{ $id }]
confirm-no-task = ✗ Geen enkele openstaande taak heeft de id { $id }.
confirm-ambiguous = ✗ { $id } past bij meerdere taken ({ $ids }); gebruik meer van de id.
confirm-checklist-added = ✓ Toegevoegd aan je controlelijst: { $item }
confirm-checklist-has = "{ $item }" staat al op je controlelijst.
confirm-checklist-removed = ✓ Verwijderd van je controlelijst: { $items }
confirm-checklist-missing = ✗ Geen enkel item op de controlelijst past bij "{ $item }".
confirm-no-checklist = ✗ Er is nog geen controlelijst.
confirm-checklist-failed = ✗ Ik kon de controlelijst niet bijwerken ({ $error }).
confirm-heartbeat-every = { $minutes ->
    [one] ✓ Periodieke controle elke minuut.
   *[other] ✓ Periodieke controle elke { $minutes } minuten.
}
confirm-section-skipped = ✓ De periodieke controle slaat "{ $section }" voortaan over.
confirm-section-checked = ✓ De periodieke controle neemt "{ $section }" weer mee.
confirm-project-active = ✓ Project { $project } is actief.
confirm-no-such-project = ✗ Er is geen project met de naam { $project } (er zijn er nog helemaal geen).
confirm-no-such-project-known = ✗ Er is geen project met de naam { $project } (projecten: { $known }).
confirm-no-project = ✓ Er is geen project actief.
confirm-skill-improved = ✓ Toegevoegd aan de vaardigheid { $skill }, onder Lessons Learned: { $lesson }
confirm-skill-known = ✓ De vaardigheid { $skill } kent die les al.
confirm-no-such-skill = ✗ Er is geen vaardigheid met de naam { $skill } (er zijn er nog helemaal geen).
confirm-no-such-skill-known = ✗ Er is geen vaardigheid met de naam { $skill } (vaardigheden: { $known }).
confirm-skill-installed = ✓ Vaardigheid { $skill } geïnstalleerd.
confirm-skill-installed-triggers = ✓ Vaardigheid { $skill } geïnstalleerd; ze wordt opgeroepen door: { $triggers }.
confirm-skill-updated = ✓ Vaardigheid { $skill } bijgewerkt (de vorige versie staat nog als SKILL.md.bak).
confirm-skill-updated-triggers = ✓ Vaardigheid { $skill } bijgewerkt (de vorige versie staat nog als SKILL.md.bak); ze wordt opgeroepen door: { $triggers }.
confirm-skill-unchanged = ✗ De vaardigheid { $skill } is niet gewijzigd: { $why }
confirm-file = 📎 { $name } ({ $size })
confirm-file-not-sent = ✗ { $path } is niet verstuurd: { $why }
confirm-job-started = ✓ Achtergrondtaak #{ $number } gestart: ik stuur je het resultaat zodra hij klaar is. /jobs toont hem, /cancel { $number } stopt hem.
confirm-job-queued = ✓ Achtergrondtaak #{ $number } staat in de wachtrij en start zodra er een plek vrij is; ik stuur je het resultaat zodra hij klaar is. /jobs toont hem, /cancel { $number } stopt hem.
confirm-job-already = ✓ Achtergrondtaak #{ $number } loopt al.
confirm-job-not-started = ✗ Er is geen achtergrondtaak gestart: { $why }
confirm-bug = ✓ Bugmelding #{ $number } vastgelegd: { $description }
confirm-learned = ✓ Geleerd ({ $domain }): { $rule }
confirm-use-forget = Wil je een nieuw gesprek beginnen (dan gebruik ik niet meer wat we tot nu toe zeiden), stuur dan /forget.
confirm-use-purge = { $count ->
    [one] Wil je alles wissen wat ik over je weet ({ $count } feit), stuur dan /purge yes. Tot je dat doet, wordt er niets gewist.
   *[other] Wil je alles wissen wat ik over je weet ({ $count } feiten), stuur dan /purge yes. Tot je dat doet, wordt er niets gewist.
}
confirm-not-saved = ✗ Ik kon dat niet opslaan ({ $error }).
confirm-not-on-your-word = ✗ Niet gedaan: { $what }. Iets wat ik las (de uitvoer van een tool of een webpagina) vroeg erom, en dat doe ik alleen op jouw eigen woord: vraag het me zelf.
size-bytes = { $n } bytes
size-kb = { $n } KB
size-mb = { $n } MB

## Als een bericht niet beantwoord kan worden

busy = Begrepen, ik pak dit hierna op.
done = Klaar.
abandoned = Omega is tijdens het beantwoorden van dit bericht meer dan eens opnieuw opgestart, dus ik probeer het niet meer. Stuur het alsjeblieft nog eens.
no-vision = Met het huidige model kan ik geen afbeeldingen bekijken (bij { $provider } staat vision uit). Beschrijf de afbeelding in woorden, of stap over op een model dat kan zien ([provider.{ $provider }] vision = true).
history-failed = Ik kon ons gesprek niet laden (databasefout). Probeer het alsjeblieft opnieuw.
internal-provider = Er ging iets mis in Omega bij het beantwoorden hiervan (interne fout in de provider). Stuur het alsjeblieft nog eens.
internal-markers = Er ging iets mis in Omega bij het lezen van het antwoord (interne fout). Stuur het alsjeblieft nog eens.
internal-session = Er ging iets mis in Omega bij het beantwoorden hiervan (interne fout). Stuur het alsjeblieft nog eens.
not-saved = Ik kon je bericht niet opslaan (databasefout), dus ik kan er niet op antwoorden. Stuur het alsjeblieft nog eens.
provider-unavailable = Ik kan nu niet antwoorden: { $why }.
provider-timeout = Ik deed te lang over mijn antwoord ({ $why }). Probeer het alsjeblieft opnieuw.
provider-busy = De AI-dienst heeft het druk ({ $why }). Probeer het zo nog eens.
provider-failed = Ik kreeg geen antwoord: { $why }. Probeer het alsjeblieft opnieuw.
budget-sender-usd = Je hebt je budget voor vandaag bereikt: ${ $spent } van ${ $cap } uitgegeven. Het wordt om middernacht ({ $tz }) gereset; de eigenaar kan [budget] daily_usd_per_sender verhogen.
budget-sender-tokens = Je hebt je tokenbudget voor vandaag bereikt: { $spent } van { $cap } tokens gebruikt. Het wordt om middernacht ({ $tz }) gereset; de eigenaar kan [budget] daily_tokens_per_sender verhogen.
budget-total = { $name } heeft het totale budget voor vandaag bereikt (${ $usd }, { $tokens } tokens gebruikt). Het wordt om middernacht ({ $tz }) gereset.
budget-needs-usd = Dit bericht heeft ongeveer ${ $needs } nodig; van ${ $cap } is vandaag nog ${ $left } over. Het wordt om middernacht ({ $tz }) gereset; de eigenaar kan [budget] daily_usd_per_sender verhogen.
budget-needs-tokens = Dit bericht heeft ongeveer { $needs } tokens nodig; van { $cap } zijn er vandaag nog { $left } over. Het wordt om middernacht ({ $tz }) gereset; de eigenaar kan [budget] daily_tokens_per_sender verhogen.
budget-total-needs = Dit bericht heeft ongeveer { $needs } tokens nodig, meer dan er vandaag over is van het totale budget van { $name } (${ $usd }, { $tokens } tokens gebruikt). Het wordt om middernacht ({ $tz }) gereset.
budget-unreadable = Ik kan het budget van vandaag niet controleren ({ $error }), dus ik geef niets uit aan dit bericht. Probeer het later opnieuw.
media-download-failed = Ik kon je { $what } niet downloaden ({ $error }). Probeer het alsjeblieft opnieuw.
media-photo = foto
media-voice = spraakbericht
media-save-failed = Ik kon je foto niet opslaan ({ $error }). Stuur hem alsjeblieft nog eens.
voice-no-words = Ik kon geen woorden verstaan in je spraakbericht.
voice-failed = Ik kon je spraakbericht niet uitschrijven: { $error }.
voice-off = Ik kan hier niet naar spraakberichten luisteren ([voice] enabled = false). Typ het alsjeblieft.
file-not-delivered = Ik kon je { $name } niet sturen: { $why }
action-gave-up = { $tries ->
    [one] Het lukte me niet om "{ $description }" te doen na { $tries } poging ({ $why }). Ik ben ermee gestopt; vraag het me opnieuw als het wel kan lukken.
   *[other] Het lukte me niet om "{ $description }" te doen na { $tries } pogingen ({ $why }). Ik ben ermee gestopt; vraag het me opnieuw als het wel kan lukken.
}
local-note = (Ik draai op een piepklein lokaal model, SmolLM2-135M, dus verwacht ruwe antwoorden. Voor een echte assistent stel je een provider in in omega.toml — bijvoorbeeld [provider] default = "anthropic" met ANTHROPIC_API_KEY ingesteld — of laat je [provider.local] model_path naar een groter GGUF-model wijzen, zoals een 7B-model.)
