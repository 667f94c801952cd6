# Omega's own words, in de. Every message here exists in every language (a test checks).

## /help

help-intro = Ich bin { $name }, dein persönlicher KI-Agent. Schreib mir einfach: stell Fragen, denk laut nach, bitte mich, dich an etwas zu erinnern oder später etwas zu erledigen — ich erinnere mich an unsere Gespräche.
help-commands = Befehle:
cmd-help = Was Omega kann und wie man es nutzt
cmd-tasks = Deine Erinnerungen und geplanten Aufgaben
cmd-cancel = Eine Aufgabe oder einen Hintergrundjob abbrechen: /cancel ID
cmd-bg = Im Hintergrund an etwas arbeiten, während wir reden: /bg TEXT
cmd-jobs = Deine Hintergrundjobs
cmd-memory = Was ich über dich weiß
cmd-facts = Die Fakten, die ich über dich speichere
cmd-history = Unsere früheren Gespräche
cmd-forget = Ein neues Gespräch beginnen
cmd-language = Meine Antwortsprache anzeigen oder festlegen
cmd-personality = Anzeigen oder festlegen, wie ich mich verhalte
cmd-projects = Deine Projekte
cmd-project = Ein Projekt aktivieren: /project NAME oder /project off
cmd-skills = Installierte Fähigkeiten
cmd-heartbeat = Die Liste der regelmäßigen Prüfungen
cmd-learning = Was ich mit dir gelernt habe
cmd-usage = Was du (und alle) heute ausgegeben habt
cmd-context = Was mein nächster Prompt enthält und wie viele Tokens jeder Teil braucht
cmd-status = Wie es Omega geht
cmd-purge = Alles löschen, was ich über dich weiß
cmd-link = Dein Gedächtnis mit deinem Konto auf einem anderen Kanal teilen
cmd-unlink = Das Gedächtnis nicht mehr mit einem anderen Kanal teilen
cmd-approve = Jemanden mit einem Kopplungscode hereinlassen
cmd-whatsapp = WhatsApp verknüpfen: der QR-Code zum Scannen mit dem Handy

## Jeder Befehl

cmd-failed = Das hat nicht geklappt (Datenbankfehler: { $error }).
in-project = {" "}im Projekt { $project }
no-project-scope = kein Projekt

## /status

status =
    { $name } läuft.
    KI: { $provider } ({ $model }); Tools: { $tools }.
    Für dich{ $scope }: { $history ->
        [one] { $history } Nachricht
       *[other] { $history } Nachrichten
    } in diesem Gespräch, { $facts ->
        [one] { $facts } Fakt
       *[other] { $facts } Fakten
    }, { $tasks ->
        [one] { $tasks } offene Aufgabe
       *[other] { $tasks } offene Aufgaben
    }. Zeitzone: { $tz }.
status-tools-on = an
status-tools-provider = der Anbieter nutzt seine eigenen
status-tools-off = aus

## /memory, /facts, /history, /forget

memory =
    Was ich{ $scope } über dich weiß:
    - { $facts ->
        [one] { $facts } Fakt
       *[other] { $facts } Fakten
    } (/facts)
    - { $summaries ->
        [one] { $summaries } früheres Gespräch
       *[other] { $summaries } frühere Gespräche
    } (/history)
    - { $history ->
        [one] { $history } Nachricht
       *[other] { $history } Nachrichten
    } in diesem Gespräch
    - { $lessons ->
        [one] { $lessons } Lektion
       *[other] { $lessons } Lektionen
    } (/learning)
    Nur du siehst das; andere, die mit mir reden, sehen dein Gedächtnis nie.
facts-none = Ich habe noch keine Fakten über dich gespeichert.
facts-list =
    Was ich über dich weiß:
    { $facts }

    /purge löscht sie.
history-current = Dieses Gespräch{ $scope }: bisher { $count ->
    [one] { $count } Nachricht
   *[other] { $count } Nachrichten
}.
history-none = Keine früheren Gespräche.
history-earlier = Frühere Gespräche, die neuesten zuerst:
history-no-summary = (keine Zusammenfassung)
forget-done = Erledigt: Wir fangen neu an. Was wir in diesem Gespräch gesagt haben, bringe ich nicht mehr zur Sprache (deine Fakten und Aufgaben bleiben; /purge löscht die Fakten).
forget-nothing = Da gibt's nichts zu vergessen: Wir fangen sowieso gerade neu an.

## /tasks, /cancel

tasks-none = Du hast{ $scope } keine offenen Aufgaben. Bitte mich einfach, dich an etwas zu erinnern.{ $elsewhere }
tasks-list =
    Deine Aufgaben{ $scope } ({ $tz }):
    { $tasks }

    /cancel ID bricht eine ab.{ $elsewhere }
task-action = {" "}(erledige ich)
tasks-elsewhere = { $count ->
    [one] {"\u000A"}({ $count } weitere Aufgabe außerhalb dieses Bereichs: { $scopes }; mit /project wechselst du.)
   *[other] {"\u000A"}({ $count } weitere Aufgaben außerhalb dieses Bereichs: { $scopes }; mit /project wechselst du.)
}
cancel-usage = So geht's: /cancel ID (die ID aus /tasks oder die Nummer eines Hintergrundjobs aus /jobs).
cancel-no-scheduler = Ich kann gerade keine Aufgaben abbrechen: Der Planer läuft nicht.
cancel-done = Abgebrochen: { $description } [{ $id }]
cancel-not-found = Keine offene Aufgabe hat die ID { $id } (/tasks zeigt sie alle).
cancel-ambiguous = { $id } passt auf { $count } Aufgaben; gib mehr von der ID an (/tasks zeigt sie alle).

## /language, /personality

language-fixed = Ich antworte dir auf { $language }. Mit /language auto richte ich mich nach deinen Nachrichten.
language-auto = Ich antworte in der Sprache, in der du schreibst. Mit /language SPRACHE legst du eine fest.
language-cleared = OK: Ich antworte in der Sprache, in der du schreibst.
language-set = OK: Ich antworte dir ab jetzt auf { $language }.
personality-current = Mein Stil bei dir: { $style }. Mit /personality reset geht's zurück zum Standard.
personality-default = Standardstil. Mit /personality BESCHREIBUNG änderst du ihn (z. B. „kurz und förmlich“).
personality-cleared = OK: zurück zu meinem Standardstil.
personality-set = OK: ab jetzt — { $style }.

## /skills, /projects, /project

skills-none = Keine Fähigkeiten installiert. Eine Fähigkeit ist ein Ordner mit einer SKILL.md in { $dir }.
skills-list =
    Fähigkeiten:
    { $skills }
skill-triggers = {" "}(ausgelöst durch: { $triggers })
skill-unavailable = - { $skill } — nicht verfügbar: { $why } ({ $description })
skill-broken = - { $skill } — fehlerhaft: { $path }, Zeile { $line }: { $problem }
projects-none = Noch keine Projekte. Ein Projekt ist ein Ordner in { $dir }.
projects-list =
    Projekte:
    { $projects }

    /project NAME aktiviert eines, /project off keines.
project-active-mark = {" "}(aktiv)
project-active = Aktives Projekt: { $project }. /project off deaktiviert es.
project-none-active = Kein Projekt ist aktiv. /projects zeigt sie alle.
project-off = OK: Kein Projekt ist aktiv.
project-on = OK: Projekt { $project } ist aktiv.
project-unknown = Es gibt kein Projekt namens { $project } (/projects zeigt sie alle).

## /purge

purge-ask = { $count ->
    [one] Das löscht { $count } Fakt, den ich über dich gespeichert habe (deine Sprach- und Stileinstellungen bleiben). Schick /purge yes, um es zu bestätigen.
   *[other] Das löscht die { $count } Fakten, die ich über dich gespeichert habe (deine Sprach- und Stileinstellungen bleiben). Schick /purge yes, um es zu bestätigen.
}
purge-done = { $count ->
    [one] { $count } Fakt gelöscht. Das weiß ich jetzt nicht mehr über dich.
   *[other] { $count } Fakten gelöscht. Diese Dinge weiß ich jetzt nicht mehr über dich.
}

## /heartbeat, /learning

heartbeat-empty = Die Liste der regelmäßigen Prüfungen ist leer. Bitte mich, etwas hinzuzufügen.
heartbeat-list =
    Regelmäßige Prüfungen:
    { $items }
heartbeat-interval = { $minutes ->
    [one] Intervall: jede Minute.
   *[other] Intervall: alle { $minutes } Minuten.
}
heartbeat-skipped = Übersprungene Abschnitte: { $sections }.
learning-none = Ich habe{ $scope } noch nichts Bestimmtes mit dir gelernt.
learning-rules = Regeln, die ich{ $scope } bei dir befolge:
learning-outcomes = Ergebnisse: Von { $total } liefen { $good } gut und { $bad } schlecht.

## /link, /unlink, /approve

link-code = Um dein Gedächtnis mit deinem Konto auf einem anderen Kanal zu teilen, schick dort innerhalb von 10 Minuten /link { $code }. Mach das nur mit Konten, die dir gehören.
link-done = Verknüpft: Dieses Konto teilt jetzt sein Gedächtnis (Fakten, Lektionen, Stil) mit { $account }. /unlink macht das rückgängig.
link-no-code = Es wartet kein Verknüpfungscode { $code } (Codes verfallen nach 10 Minuten; /link erstellt einen neuen).
link-same = Dieser Code wurde auf genau diesem Konto erstellt.
unlink-done = Getrennt: Dieses Konto hat wieder sein eigenes Gedächtnis.
unlink-none = Dieses Konto ist mit keinem anderen verknüpft.
approve-usage = So geht's: /approve CODE (der Code, den die Person bekommen hat).
approve-owner-only = Nur der Besitzer kann Kopplungscodes freigeben.
approve-welcome = Du bist freigeschaltet — sag hallo!
approve-done = { $who } auf { $channel } freigeschaltet: Die Person kann jetzt mit mir reden.
approve-unknown = Keine offene Anfrage hat den Code { $code } (Codes verfallen nach 10 Minuten).
pairing-offer = Hi! Ich rede nur mit Leuten, die mein Besitzer freigeschaltet hat. Dein Kopplungscode ist { $code } (gültig für { $minutes } Minuten): Bitte den Besitzer, mir /approve { $code } zu schicken oder `omega pair { $code }` auszuführen.

## /usage

usage =
    Heute ({ $tz }):
    Du: ${ $mine_usd }{ $usd_cap } und { $mine_tokens } Tokens{ $token_cap } in { $calls ->
        [one] { $calls } Nachricht
       *[other] { $calls } Nachrichten
    }.
    Alle: ${ $all_usd }{ $all_usd_cap } und { $all_tokens } Tokens{ $all_token_cap }.{ $cache }
usage-usd-cap = {" "}von ${ $cap }
usage-token-cap = {" "}von { $cap }
usage-cache = {"\u000A"}Prompt-Cache: { $percent } % der heutigen Prompt-Tokens kamen aus dem Cache ({ $read } von { $total }), das hat etwa ${ $saved } gespart.
usage-estimated = {"\u000A"}≈ { $calls } der heutigen Aufrufe sind geschätzt (etwa vier Zeichen pro Token): ihr Anbieter hat keinen Verbrauch gemeldet.

## /context

context-failed = Ich konnte den Prompt nicht zusammenstellen (Datenbankfehler: { $error }).
context =
    Der Prompt für deine nächste Nachricht{ $scope }, etwa { $total } der { $allowed } erlaubten Tokens:
    - wer ich bin, was ich kann, die Regeln und die Liste der Fähigkeiten: ~{ $stable } Tokens (für alle zwischengespeichert)
    - was ich über dich weiß (Profil, Einstellungen, Projekt, Lektionen, Ergebnisse): ~{ $person } Tokens (für dich zwischengespeichert)
    - diese Runde (Zusammenfassungen, Abgerufenes aus dem Gedächtnis, Aufgaben, die Uhrzeit{ $compacted }): ~{ $turn } Tokens
    - dieses Gespräch: { $messages ->
        [one] { $messages } Nachricht
       *[other] { $messages } Nachrichten
    }, ~{ $history } Tokens{ $older }{ $tools }
context-compacted = {" "}und die Zusammenfassung des älteren Gesprächsteils
context-older = {" "}(der ältere Teil steckt in der Zusammenfassung; /history zeigt alles)
context-tools = {"\u000A"}- Tools: { $count }, ~{ $tokens } Tokens

## /whatsapp

whatsapp-owner-only = Nur der Besitzer kann WhatsApp verknüpfen.
whatsapp-not-running = WhatsApp Web läuft hier nicht. Es läuft im Daemon (`omega start`) mit [channel.whatsapp] enabled = true und mode = "web"; oder du verknüpfst es bei gestopptem Omega im Terminal mit `omega whatsapp pair`.
whatsapp-restarting = Die Verbindung zu WhatsApp startet gerade neu; versuch es gleich noch mal.
whatsapp-forgetting = WhatsApp hat mich gerade abgemeldet und ich lösche noch die alten Schlüssel; schick gleich noch mal /whatsapp.
whatsapp-already = WhatsApp ist schon verknüpft. Um eine andere Nummer zu verknüpfen, entferne Omega zuerst auf dem Handy unter „Verknüpfte Geräte“.
whatsapp-under-way = Die Kopplung läuft schon; der nächste QR-Code kommt hierher.
whatsapp-connecting = Ich verbinde mich mit WhatsApp… gleich kommt ein QR-Code zum Scannen.
whatsapp-no-answer = WhatsApp hat nicht innerhalb von { $secs } s geantwortet; prüf, ob dieser Rechner web.whatsapp.com erreicht, und schick dann noch mal /whatsapp.
whatsapp-cannot-start = WhatsApp konnte nicht starten: { $error }
whatsapp-scan = Scanne diesen Code mit WhatsApp auf deinem Handy: Einstellungen › Verknüpfte Geräte › Gerät hinzufügen. Er ändert sich in { $secs } s.
whatsapp-no-photo = (Hier kann ich kein Foto schicken: Führ stattdessen `omega whatsapp pair` in einem Terminal aus.)
whatsapp-pair-code = Auf deinem Handy: WhatsApp › Verknüpfte Geräte › Gerät hinzufügen › Stattdessen mit Telefonnummer verknüpfen, und gib { $code } ein (gültig { $secs } s).
whatsapp-linked = WhatsApp ist verknüpft (+{ $number }).
whatsapp-allow-hint = {" "}Um von diesem Handy aus mit mir zu schreiben („Nachricht an dich selbst“), füge { $number } zu [channel.whatsapp] allowed_users hinzu.
whatsapp-logged-out = WhatsApp hat mich abgemeldet ({ $why }): Ich empfange und sende keine WhatsApp-Nachrichten mehr. Schick /whatsapp, um mich neu zu verknüpfen.
whatsapp-paired = Das Handy hat mich verknüpft; ich schließe die Einrichtung mit WhatsApp ab…
whatsapp-stopped = WhatsApp wurde gestoppt: { $why }.{ $next }
whatsapp-retry = { $minutes ->
    [one] {" "}Ich versuche es in { $minutes } Minute noch mal.
   *[other] {" "}Ich versuche es in { $minutes } Minuten noch mal.
}
whatsapp-link-failed = WhatsApp zu verknüpfen hat nicht geklappt: { $error }. Schick /whatsapp, um es noch mal zu versuchen.
whatsapp-qr-expired = Die QR-Codes sind abgelaufen, bevor das Handy mich verknüpft hat. Schick /whatsapp für neue.
whatsapp-stalled = { $minutes ->
    [one] WhatsApp hat seit { $minutes } Minute kein Lebenszeichen gegeben: { $advice }; ich sag dir Bescheid, wenn es wieder da ist.
   *[other] WhatsApp hat seit { $minutes } Minuten kein Lebenszeichen gegeben: { $advice }; ich sag dir Bescheid, wenn es wieder da ist.
}
whatsapp-recovered = WhatsApp funktioniert wieder.

## Hintergrundjobs

job-stopped = Hintergrundjob #{ $number } ({ $title }) wurde gestoppt: { $why }.
job-done =
    Hintergrundjob #{ $number } ist fertig ({ $title }):

    { $text }
job-failed = Hintergrundjob #{ $number } ({ $title }) ist fehlgeschlagen: { $text }
job-cancelled-by-you = von dir abgebrochen
job-cancelled-before-start = von dir abgebrochen, bevor er gestartet ist
job-timed-out = { $minutes ->
    [one] er lief länger als { $minutes } Minute
   *[other] er lief länger als { $minutes } Minuten
}
bg-usage = So geht's: /bg TEXT — ich arbeite im Hintergrund an TEXT und schicke dir das Ergebnis, sobald ich fertig bin (/jobs zeigt deine Jobs).
jobs-none = Du hast keine Hintergrundjobs. /bg TEXT startet einen (oder bitte mich, mir etwas im Hintergrund anzuschauen).
jobs-live =
    Deine Hintergrundjobs:
    { $jobs }

    /cancel ID stoppt einen.
jobs-finished =
    In den letzten 24 Stunden beendet:
    { $jobs }
job-running = #{ $number } läuft seit { $duration } — { $title }
job-waiting = #{ $number } wartet auf einen freien Platz — { $title }
job-finished-ok = #{ $number } fertig — { $title }
job-finished-not = #{ $number } fehlgeschlagen oder gestoppt — { $title }
job-about-to-start = #{ $number } startet gleich — { $title }
job-stopping = Ich stoppe Hintergrundjob #{ $number }; du bekommst Bescheid, sobald er gestoppt ist.
job-dropped = Hintergrundjob #{ $number } ist abgebrochen; er hatte noch nicht angefangen.
job-starting = Hintergrundjob #{ $number } startet gerade; versuch es gleich noch mal.
job-already-finished = Hintergrundjob #{ $number } ist schon fertig.
duration-secs = { $secs } s
duration-mins = { $mins } Min.
duration-hours = { $hours } Std. { $mins } Min.

## Bestätigungen dessen, was eine Antwort bewirkt hat

confirm-reminder-set = ✓ Erinnerung eingerichtet: { $description } — { $when }{ $every } [{ $id }]
confirm-task-set = ✓ Aufgabe eingerichtet: { $description } — { $when }{ $every } [{ $id }]
confirm-every = , { $every }
confirm-reminder-already = Diese Erinnerung ist schon eingerichtet [{ $id }].
confirm-task-already = Diese Aufgabe ist schon eingerichtet [{ $id }].
confirm-reminder-failed = ✗ Ich konnte die Erinnerung „{ $description }“ nicht einrichten: { $why }.
confirm-task-failed = ✗ Ich konnte die Aufgabe „{ $description }“ nicht einrichten: { $why }.
confirm-updated = ✓ Geändert: { $description } — { $when }{ $every } [{ $id }]
confirm-update-failed = ✗ Ich konnte Aufgabe { $id } nicht ändern: { $why }.
confirm-cancelled = ✓ Abgebrochen: { $description } [{ $id }]
confirm-no-task = ✗ Keine offene Aufgabe hat die ID { $id }.
confirm-ambiguous = ✗ { $id } passt auf mehrere Aufgaben ({ $ids }); gib mehr von der ID an.
confirm-checklist-added = ✓ Zu deiner Prüfliste hinzugefügt: { $item }
confirm-checklist-has = „{ $item }“ steht schon auf deiner Prüfliste.
confirm-checklist-removed = ✓ Von deiner Prüfliste entfernt: { $items }
confirm-checklist-missing = ✗ Kein Eintrag auf der Prüfliste passt zu „{ $item }“.
confirm-no-checklist = ✗ Es gibt noch keine Prüfliste.
confirm-checklist-failed = ✗ Ich konnte die Prüfliste nicht aktualisieren ({ $error }).
confirm-heartbeat-every = { $minutes ->
    [one] ✓ Regelmäßige Prüfung jede Minute.
   *[other] ✓ Regelmäßige Prüfung alle { $minutes } Minuten.
}
confirm-section-skipped = ✓ Die regelmäßige Prüfung überspringt jetzt „{ $section }“.
confirm-section-checked = ✓ Die regelmäßige Prüfung prüft „{ $section }“ wieder.
confirm-project-active = ✓ Projekt { $project } ist aktiv.
confirm-no-such-project = ✗ Es gibt kein Projekt namens { $project } (es gibt noch gar keine).
confirm-no-such-project-known = ✗ Es gibt kein Projekt namens { $project } (Projekte: { $known }).
confirm-no-project = ✓ Kein Projekt ist aktiv.
confirm-skill-improved = ✓ In die Fähigkeit { $skill } eingetragen, unter Lessons Learned: { $lesson }
confirm-skill-known = ✓ Die Fähigkeit { $skill } kennt diese Lektion schon.
confirm-no-such-skill = ✗ Es gibt keine Fähigkeit namens { $skill } (es gibt noch gar keine).
confirm-no-such-skill-known = ✗ Es gibt keine Fähigkeit namens { $skill } (Fähigkeiten: { $known }).
confirm-skill-installed = ✓ Fähigkeit { $skill } installiert.
confirm-skill-installed-triggers = ✓ Fähigkeit { $skill } installiert; sie wird ausgelöst durch: { $triggers }.
confirm-skill-updated = ✓ Fähigkeit { $skill } aktualisiert (die vorherige Version liegt noch als SKILL.md.bak da).
confirm-skill-updated-triggers = ✓ Fähigkeit { $skill } aktualisiert (die vorherige Version liegt noch als SKILL.md.bak da); sie wird ausgelöst durch: { $triggers }.
confirm-skill-unchanged = ✗ Die Fähigkeit { $skill } wurde nicht geändert: { $why }
confirm-file = 📎 { $name } ({ $size })
confirm-file-not-sent = ✗ { $path } wurde nicht gesendet: { $why }
confirm-job-started = ✓ Hintergrundjob #{ $number } gestartet: Ich schicke dir das Ergebnis, sobald er fertig ist. /jobs zeigt ihn, /cancel { $number } stoppt ihn.
confirm-job-queued = ✓ Hintergrundjob #{ $number } steht in der Warteschlange und startet, sobald ein Platz frei ist; ich schicke dir das Ergebnis, sobald er fertig ist. /jobs zeigt ihn, /cancel { $number } stoppt ihn.
confirm-job-already = ✓ Hintergrundjob #{ $number } läuft schon.
confirm-job-not-started = ✗ Es wurde kein Hintergrundjob gestartet: { $why }
confirm-bug = ✓ Fehlerbericht #{ $number } erfasst: { $description }
confirm-learned = ✓ Gelernt ({ $domain }): { $rule }
confirm-use-forget = Um ein neues Gespräch zu beginnen (dann nutze ich nicht mehr, was wir bisher gesagt haben), schick /forget.
confirm-use-purge = { $count ->
    [one] Um alles zu löschen, was ich über dich weiß ({ $count } Fakt), schick /purge yes. Vorher wird nichts gelöscht.
   *[other] Um alles zu löschen, was ich über dich weiß ({ $count } Fakten), schick /purge yes. Vorher wird nichts gelöscht.
}
confirm-not-saved = ✗ Ich konnte das nicht speichern ({ $error }).
confirm-not-on-your-word = ✗ Nicht erledigt: { $what }. Das verlangte etwas, das ich gelesen habe (die Ausgabe eines Werkzeugs oder eine Webseite), und das tue ich nur auf dein eigenes Wort: bitte mich selbst darum.
size-bytes = { $n } Bytes
size-kb = { $n } KB
size-mb = { $n } MB

## Wenn eine Nachricht nicht beantwortet werden kann

busy = Hab's, ich kümmere mich als Nächstes darum.
done = Erledigt.
abandoned = Omega wurde beim Beantworten dieser Nachricht mehr als einmal neu gestartet, deshalb versuche ich es nicht weiter. Bitte schick sie noch mal.
no-vision = Mit dem aktuellen Modell kann ich mir keine Bilder ansehen (bei { $provider } ist Vision ausgeschaltet). Beschreib mir das Bild in Worten oder wechsle zu einem Modell, das sehen kann ([provider.{ $provider }] vision = true).
history-failed = Ich konnte unser Gespräch nicht laden (Datenbankfehler). Bitte versuch es noch mal.
internal-provider = Beim Beantworten ist in Omega etwas schiefgelaufen (interner Fehler beim Anbieter). Bitte schick die Nachricht noch mal.
internal-markers = Beim Lesen der Antwort ist in Omega etwas schiefgelaufen (interner Fehler). Bitte schick die Nachricht noch mal.
internal-session = Beim Beantworten ist in Omega etwas schiefgelaufen (interner Fehler). Bitte schick die Nachricht noch mal.
not-saved = Ich konnte deine Nachricht nicht speichern (Datenbankfehler), deshalb kann ich nicht darauf antworten. Bitte schick sie noch mal.
provider-unavailable = Ich kann gerade nicht antworten: { $why }.
provider-timeout = Ich habe zu lange für die Antwort gebraucht ({ $why }). Bitte versuch es noch mal.
provider-busy = Der KI-Dienst ist gerade ausgelastet ({ $why }). Bitte versuch es gleich noch mal.
provider-failed = Ich habe keine Antwort bekommen: { $why }. Bitte versuch es noch mal.
budget-sender-usd = Du hast dein Budget für heute erreicht: ${ $spent } von ${ $cap } ausgegeben. Es wird um Mitternacht ({ $tz }) zurückgesetzt; der Besitzer kann [budget] daily_usd_per_sender erhöhen.
budget-sender-tokens = Du hast dein Token-Budget für heute erreicht: { $spent } von { $cap } Tokens verbraucht. Es wird um Mitternacht ({ $tz }) zurückgesetzt; der Besitzer kann [budget] daily_tokens_per_sender erhöhen.
budget-total = { $name } hat das Gesamtbudget für heute erreicht (${ $usd }, { $tokens } Tokens verbraucht). Es wird um Mitternacht ({ $tz }) zurückgesetzt.
budget-needs-usd = Diese Nachricht braucht etwa ${ $needs }; von ${ $cap } sind heute noch ${ $left } übrig. Das Budget wird um Mitternacht ({ $tz }) zurückgesetzt; der Besitzer kann [budget] daily_usd_per_sender erhöhen.
budget-needs-tokens = Diese Nachricht braucht etwa { $needs } Tokens; von { $cap } sind heute noch { $left } übrig. Das Budget wird um Mitternacht ({ $tz }) zurückgesetzt; der Besitzer kann [budget] daily_tokens_per_sender erhöhen.
budget-total-needs = Diese Nachricht braucht etwa { $needs } Tokens, mehr als vom Gesamtbudget von { $name } heute übrig ist (${ $usd }, { $tokens } Tokens verbraucht). Es wird um Mitternacht ({ $tz }) zurückgesetzt.
budget-unreadable = Ich kann das heutige Budget nicht prüfen ({ $error }), also gebe ich für diese Nachricht nichts aus. Bitte versuch es später noch mal.
media-download-failed = Ich konnte { $what } nicht herunterladen ({ $error }). Bitte versuch es noch mal.
media-photo = dein Foto
media-voice = deine Sprachnachricht
media-save-failed = Ich konnte dein Foto nicht speichern ({ $error }). Bitte schick es noch mal.
voice-no-words = In deiner Sprachnachricht konnte ich keine Worte verstehen.
voice-failed = Ich konnte deine Sprachnachricht nicht abtippen: { $error }.
voice-off = Sprachnachrichten kann ich hier nicht anhören ([voice] enabled = false). Bitte schreib es mir.
file-not-delivered = Ich konnte dir { $name } nicht schicken: { $why }
action-gave-up = { $tries ->
    [one] Ich konnte „{ $description }“ nach { $tries } Versuch nicht erledigen ({ $why }). Ich habe aufgehört; frag mich noch mal, wenn es klappen kann.
   *[other] Ich konnte „{ $description }“ nach { $tries } Versuchen nicht erledigen ({ $why }). Ich habe aufgehört; frag mich noch mal, wenn es klappen kann.
}
local-note = (Ich laufe auf einem winzigen lokalen Modell, SmolLM2-135M, also rechne mit holprigen Antworten. Für einen richtigen Assistenten stell in omega.toml einen Anbieter ein — zum Beispiel [provider] default = "anthropic" mit gesetztem ANTHROPIC_API_KEY — oder lass [provider.local] model_path auf ein größeres GGUF-Modell zeigen, etwa eines mit 7B.)
