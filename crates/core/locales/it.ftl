# Omega's own words, in it. Every message here exists in every language (a test checks).

## /help

help-intro = Sono { $name }, il tuo agente IA personale. Scrivimi in modo naturale: fai domande, ragiona ad alta voce, chiedimi di ricordarti qualcosa o di fare qualcosa più tardi — ricordo le nostre conversazioni.
help-commands = Comandi:
cmd-help = Cosa sa fare Omega e come usarlo
cmd-tasks = I tuoi promemoria e attività programmate
cmd-cancel = Annullare un'attività o un lavoro in background: /cancel ID
cmd-bg = Lavorare a qualcosa in background mentre parliamo: /bg TESTO
cmd-jobs = I tuoi lavori in background
cmd-memory = Cosa ricordo di te
cmd-facts = I fatti che conservo su di te
cmd-history = Le nostre conversazioni precedenti
cmd-forget = Iniziare una nuova conversazione
cmd-language = Vedere o scegliere la lingua delle mie risposte
cmd-personality = Vedere o scegliere come mi comporto
cmd-projects = I tuoi progetti
cmd-project = Attivare un progetto: /project NOME o /project off
cmd-skills = Abilità installate
cmd-heartbeat = L'elenco dei controlli periodici
cmd-learning = Cosa ho imparato con te
cmd-usage = Quanto hai speso oggi tu (e tutti)
cmd-context = Cosa contiene il mio prossimo prompt e quanti token occupa ogni parte
cmd-status = Come sta Omega
cmd-purge = Cancellare tutto ciò che so di te
cmd-link = Condividere la tua memoria con il tuo account su un altro canale
cmd-unlink = Smettere di condividere la memoria con un altro canale
cmd-approve = Far entrare chi ha ricevuto un codice di abbinamento
cmd-whatsapp = Collegare WhatsApp: il codice QR da scansionare con il telefono

## Tutti i comandi

cmd-failed = Non sono riuscito a farlo (errore del database: { $error }).
in-project = {" "}nel progetto { $project }
no-project-scope = senza progetto

## /status

status =
    { $name } è in funzione.
    IA: { $provider } ({ $model }); strumenti: { $tools }.
    Tu{ $scope }: { $history } { $history ->
        [one] messaggio
       *[other] messaggi
    } in questa conversazione, { $facts } { $facts ->
        [one] fatto
       *[other] fatti
    }, { $tasks } attività in sospeso. Fuso orario: { $tz }.
status-tools-on = attivi
status-tools-provider = quelli del provider
status-tools-off = disattivati

## /memory, /facts, /history, /forget

memory =
    Cosa ricordo di te{ $scope }:
    - { $facts } { $facts ->
        [one] fatto
       *[other] fatti
    } (/facts)
    - { $summaries } { $summaries ->
        [one] conversazione precedente
       *[other] conversazioni precedenti
    } (/history)
    - { $history } { $history ->
        [one] messaggio
       *[other] messaggi
    } in questa conversazione
    - { $lessons } { $lessons ->
        [one] lezione
       *[other] lezioni
    } (/learning)
    Puoi vederlo solo tu; le altre persone che mi parlano non vedono mai la tua memoria.
facts-none = Non conservo ancora nessun fatto su di te.
facts-list =
    Cosa so di te:
    { $facts }

    /purge li cancella.
history-current = Questa conversazione{ $scope }: { $count } { $count ->
        [one] messaggio
       *[other] messaggi
    } finora.
history-none = Nessuna conversazione precedente.
history-earlier = Conversazioni precedenti, dalla più recente:
history-no-summary = (nessun riassunto)
forget-done = Fatto: ricominciamo da capo. Non tirerò più in ballo quello che ci siamo detti in quella conversazione (i tuoi fatti e le tue attività restano; /purge cancella i fatti).
forget-nothing = Non c'è nessuna conversazione da dimenticare: stiamo già ricominciando da capo.

## /tasks, /cancel

tasks-none = Non hai attività in sospeso{ $scope }. Chiedimi di ricordarti qualcosa.{ $elsewhere }
tasks-list =
    Le tue attività{ $scope } ({ $tz }):
    { $tasks }

    /cancel ID ne annulla una.{ $elsewhere }
task-action = {" "}(me ne occupo io)
tasks-elsewhere = { $count ->
    [one] {"\u000A"}({ $count } altra attività altrove: { $scopes }; /project per cambiare.)
   *[other] {"\u000A"}({ $count } altre attività altrove: { $scopes }; /project per cambiare.)
}
cancel-usage = Uso: /cancel ID (l'id che mostra /tasks, o il numero di un lavoro in background da /jobs).
cancel-no-scheduler = Ora non posso annullare attività: lo scheduler non è in funzione.
cancel-done = Annullata: { $description } [{ $id }]
cancel-not-found = Nessuna attività in sospeso ha l'id { $id } (/tasks le elenca).
cancel-ambiguous = { $id } corrisponde a { $count } attività; usa una parte più lunga dell'id (/tasks le elenca).

## /language, /personality

language-fixed = Ti rispondo in { $language }. Con /language auto seguo la lingua dei tuoi messaggi.
language-auto = Rispondo nella lingua in cui scrivi. /language NOME ne fissa una.
language-cleared = OK: risponderò nella lingua in cui scrivi.
language-set = OK: ti risponderò in { $language }.
personality-current = Il mio stile con te: { $style }. /personality reset torna a quello predefinito.
personality-default = Stile predefinito. /personality DESCRIZIONE lo cambia (per esempio "breve e formale").
personality-cleared = OK: torno al mio stile predefinito.
personality-set = OK: d'ora in poi — { $style }.

## /skills, /projects, /project

skills-none = Nessuna abilità installata. Un'abilità è una cartella con un SKILL.md in { $dir }.
skills-list =
    Abilità:
    { $skills }
skill-triggers = {" "}(si attiva con: { $triggers })
skill-unavailable = - { $skill } — non disponibile: { $why } ({ $description })
skill-broken = - { $skill } — difettosa: { $path }, riga { $line }: { $problem }
projects-none = Ancora nessun progetto. Un progetto è una cartella in { $dir }.
projects-list =
    Progetti:
    { $projects }

    /project NOME ne attiva uno, /project off nessuno.
project-active-mark = {" "}(attivo)
project-active = Progetto attivo: { $project }. /project off lo disattiva.
project-none-active = Nessun progetto è attivo. /projects li elenca.
project-off = OK: nessun progetto è attivo.
project-on = OK: il progetto { $project } è attivo.
project-unknown = Non c'è nessun progetto chiamato { $project } (/projects li elenca).

## /purge

purge-ask = Così cancello { $count ->
        [one] l'unico fatto
       *[other] i { $count } fatti
    } che conservo su di te (le impostazioni di lingua e stile restano). Invia /purge yes per confermare.
purge-done = { $count ->
        [one] { $count } fatto cancellato
       *[other] { $count } fatti cancellati
    }. Non so più queste cose di te.

## /heartbeat, /learning

heartbeat-empty = L'elenco dei controlli periodici è vuoto. Chiedimi di aggiungerci qualcosa.
heartbeat-list =
    Elenco dei controlli periodici:
    { $items }
heartbeat-interval = Intervallo: ogni { $minutes } minuti.
heartbeat-skipped = Sezioni saltate: { $sections }.
learning-none = Non ho ancora imparato niente di specifico con te{ $scope }.
learning-rules = Le regole che seguo con te{ $scope }:
learning-outcomes = Risultati: su { $total }, { $good } sono andati bene e { $bad } male.

## /link, /unlink, /approve

link-code = Per condividere la tua memoria con il tuo account su un altro canale, invia /link { $code } da lì entro 10 minuti. Fallo solo con account che sono tuoi.
link-done = Collegato: questo account ora condivide la memoria (fatti, lezioni, stile) con { $account }. /unlink lo annulla.
link-no-code = Nessun codice di collegamento { $code } in attesa (i codici scadono dopo 10 minuti; /link ne crea uno nuovo).
link-same = Quel codice è stato creato proprio su questo account.
unlink-done = Scollegato: questo account ha di nuovo la sua memoria.
unlink-none = Questo account non è collegato a nessun altro.
approve-usage = Uso: /approve CODICE (il codice che la persona ha ricevuto).
approve-owner-only = Solo il proprietario può approvare i codici di abbinamento.
approve-welcome = Ok, hai accesso — salutami pure!
approve-done = Fatto: { $who } su { $channel } ora può parlarmi.
approve-unknown = Nessuna richiesta in attesa ha il codice { $code } (i codici scadono dopo 10 minuti).
pairing-offer = Ciao! Parlo solo con le persone approvate dal mio proprietario. Il tuo codice di abbinamento è { $code } (valido per { $minutes } minuti): chiedi al proprietario di inviarmi /approve { $code }, oppure di eseguire `omega pair { $code }`.

## /usage

usage =
    Oggi ({ $tz }):
    Tu: ${ $mine_usd }{ $usd_cap } e { $mine_tokens } token{ $token_cap } in { $calls } { $calls ->
        [one] messaggio
       *[other] messaggi
    }.
    Tutti: ${ $all_usd }{ $all_usd_cap } e { $all_tokens } token{ $all_token_cap }.{ $cache }
usage-usd-cap = {" "}su ${ $cap }
usage-token-cap = {" "}su { $cap }
usage-cache = {"\u000A"}Cache del prompt: il { $percent }% dei token di prompt di oggi è stato letto dalla cache ({ $read } su { $total }), con un risparmio di circa ${ $saved }.
usage-estimated = {"\u000A"}≈ { $calls } delle chiamate di oggi sono contate per stima (circa quattro caratteri per token): il loro fornitore non ha indicato il consumo.

## /context

context-failed = Non sono riuscito a costruire il prompt (errore del database: { $error }).
context =
    Il prompt del tuo prossimo messaggio{ $scope }, circa { $total } token sui { $allowed } consentiti:
    - chi sono, cosa so fare, le regole e l'elenco delle abilità: ~{ $stable } token (in cache per tutti)
    - cosa so di te (profilo, impostazioni, progetto, lezioni, risultati): ~{ $person } token (in cache per te)
    - questo turno (riassunti, ricordi richiamati, attività, l'ora{ $compacted }): ~{ $turn } token
    - questa conversazione: { $messages } messaggi, ~{ $history } token{ $older }{ $tools }
context-compacted = , e il riassunto della parte più vecchia di questa conversazione
context-older = {" "}(la parte più vecchia è nel riassunto; /history ha tutto)
context-tools = {"\u000A"}- strumenti: { $count }, ~{ $tokens } token

## /whatsapp

whatsapp-owner-only = Solo il proprietario può collegare WhatsApp.
whatsapp-not-running = WhatsApp Web non è in funzione qui. Gira nel demone (`omega start`) con [channel.whatsapp] enabled = true e mode = "web"; oppure, con Omega fermo, fai l'abbinamento da un terminale con `omega whatsapp pair`.
whatsapp-restarting = La connessione di WhatsApp si sta riavviando; riprova tra un attimo.
whatsapp-forgetting = WhatsApp mi ha appena disconnesso e sto ancora cancellando le vecchie chiavi; invia di nuovo /whatsapp tra un attimo.
whatsapp-already = WhatsApp è già collegato. Per collegare un altro numero, prima rimuovi Omega da Dispositivi collegati sul telefono.
whatsapp-under-way = L'abbinamento è già in corso; il prossimo codice QR arriva qui.
whatsapp-connecting = Mi sto collegando a WhatsApp… segue un codice QR da scansionare.
whatsapp-no-answer = WhatsApp non ha risposto entro { $secs } s; controlla che questa macchina raggiunga web.whatsapp.com, poi invia di nuovo /whatsapp.
whatsapp-cannot-start = WhatsApp non è riuscito ad avviarsi: { $error }
whatsapp-scan = Scansionalo con WhatsApp sul telefono: Impostazioni › Dispositivi collegati › Collega un dispositivo. Cambia tra { $secs } s.
whatsapp-no-photo = (Qui non posso inviare una foto: esegui invece `omega whatsapp pair` in un terminale.)
whatsapp-pair-code = Sul telefono: WhatsApp › Dispositivi collegati › Collega un dispositivo › Collega con il numero di telefono, e digita { $code } (valido { $secs } s).
whatsapp-linked = WhatsApp è collegato (+{ $number }).
whatsapp-allow-hint = {" "}Per parlarmi da quel telefono (nella chat con te stesso), aggiungi { $number } a [channel.whatsapp] allowed_users.
whatsapp-logged-out = WhatsApp mi ha disconnesso ({ $why }): non ricevo né invio più messaggi WhatsApp. Invia /whatsapp per collegarmi di nuovo.
whatsapp-paired = Il telefono mi ha collegato; sto completando la configurazione con WhatsApp…
whatsapp-stopped = WhatsApp si è fermato: { $why }.{ $next }
whatsapp-retry = {" "}Riproverò tra { $minutes } minuti.
whatsapp-link-failed = Il collegamento di WhatsApp non è riuscito: { $error }. Invia /whatsapp per riprovare.
whatsapp-qr-expired = I codici QR sono scaduti prima che il telefono mi collegasse. Invia /whatsapp per averne di nuovi.
whatsapp-stalled = WhatsApp non dà segni di vita da { $minutes } minuti: { $advice }; ti avviso quando torna.
whatsapp-recovered = WhatsApp funziona di nuovo.

## Lavori in background

job-stopped = Il lavoro in background #{ $number } ({ $title }) è stato interrotto: { $why }.
job-done =
    Il lavoro in background #{ $number } è finito ({ $title }):

    { $text }
job-failed = Il lavoro in background #{ $number } ({ $title }) non è riuscito: { $text }
job-cancelled-by-you = l'hai annullato tu
job-cancelled-before-start = l'hai annullato tu prima che partisse
job-timed-out = era ancora in corso dopo { $minutes } minuti, il limite ([jobs] timeout_mins)
bg-usage = Uso: /bg TESTO — lavoro su TESTO in background e ti mando il risultato quando ho finito (/jobs elenca i tuoi lavori).
jobs-none = Non hai lavori in background. /bg TESTO ne avvia uno (oppure chiedimi di approfondire qualcosa in background).
jobs-live =
    I tuoi lavori in background:
    { $jobs }

    /cancel ID ne ferma uno.
jobs-finished =
    Finiti nelle ultime 24 ore:
    { $jobs }
job-running = #{ $number } in corso da { $duration } — { $title }
job-waiting = #{ $number } in attesa di un posto libero — { $title }
job-finished-ok = #{ $number } finito — { $title }
job-finished-not = #{ $number } fallito o interrotto — { $title }
job-about-to-start = #{ $number } sta per partire — { $title }
job-stopping = Sto fermando il lavoro in background #{ $number }; ti avviso quando si è fermato.
job-dropped = Il lavoro in background #{ $number } è annullato; non era ancora partito.
job-starting = Il lavoro in background #{ $number } sta per partire; riprova tra un attimo.
job-already-finished = Il lavoro in background #{ $number } è già finito.
duration-secs = { $secs } s
duration-mins = { $mins } min
duration-hours = { $hours } h { $mins } min

## Conferme di cosa ha fatto una risposta

confirm-reminder-set = ✓ Promemoria impostato: { $description } — { $when }{ $every } [{ $id }]
confirm-task-set = ✓ Attività impostata: { $description } — { $when }{ $every } [{ $id }]
confirm-every = , { $every }
confirm-reminder-already = Quel promemoria è già impostato [{ $id }].
confirm-task-already = Quell'attività è già impostata [{ $id }].
confirm-reminder-failed = ✗ Non sono riuscito a impostare il promemoria "{ $description }": { $why }.
confirm-task-failed = ✗ Non sono riuscito a impostare l'attività "{ $description }": { $why }.
confirm-updated = ✓ Aggiornata: { $description } — { $when }{ $every } [{ $id }]
confirm-update-failed = ✗ Non sono riuscito a modificare l'attività { $id }: { $why }.
confirm-cancelled = ✓ Annullata: { $description } [{ $id }]
confirm-no-task = ✗ Nessuna attività in sospeso ha l'id { $id }.
confirm-ambiguous = ✗ { $id } corrisponde a più attività ({ $ids }); usa una parte più lunga dell'id.
confirm-checklist-added = ✓ Aggiunto al tuo elenco dei controlli periodici: { $item }
confirm-checklist-has = "{ $item }" è già nel tuo elenco dei controlli periodici.
confirm-checklist-removed = ✓ Tolto dal tuo elenco dei controlli periodici: { $items }
confirm-checklist-missing = ✗ Nessuna voce dell'elenco dei controlli periodici corrisponde a "{ $item }".
confirm-no-checklist = ✗ Non c'è ancora un elenco dei controlli periodici.
confirm-checklist-failed = ✗ Non sono riuscito ad aggiornare l'elenco dei controlli periodici ({ $error }).
confirm-heartbeat-every = ✓ Controllo periodico ogni { $minutes } minuti.
confirm-section-skipped = ✓ Il controllo periodico salterà "{ $section }".
confirm-section-checked = ✓ Il controllo periodico controllerà di nuovo "{ $section }".
confirm-project-active = ✓ Il progetto { $project } è attivo.
confirm-no-such-project = ✗ Non c'è nessun progetto chiamato { $project } (non ce ne sono ancora).
confirm-no-such-project-known = ✗ Non c'è nessun progetto chiamato { $project } (progetti: { $known }).
confirm-no-project = ✓ Nessun progetto è attivo.
confirm-skill-improved = ✓ Scritto nell'abilità { $skill }, sotto Lessons Learned: { $lesson }
confirm-skill-known = ✓ L'abilità { $skill } ha già quella lezione.
confirm-no-such-skill = ✗ Non c'è nessuna abilità chiamata { $skill } (non ce ne sono ancora).
confirm-no-such-skill-known = ✗ Non c'è nessuna abilità chiamata { $skill } (abilità: { $known }).
confirm-skill-installed = ✓ Abilità { $skill } installata.
confirm-skill-installed-triggers = ✓ Abilità { $skill } installata; si attiva con: { $triggers }.
confirm-skill-updated = ✓ Abilità { $skill } aggiornata (la versione precedente è conservata come SKILL.md.bak).
confirm-skill-updated-triggers = ✓ Abilità { $skill } aggiornata (la versione precedente è conservata come SKILL.md.bak); si attiva con: { $triggers }.
confirm-skill-unchanged = ✗ L'abilità { $skill } non è stata modificata: { $why }
confirm-file = 📎 { $name } ({ $size })
confirm-file-not-sent = ✗ { $path } non è stato inviato: { $why }
confirm-job-started = ✓ Lavoro in background #{ $number } avviato: ti mando il risultato quando ho finito. /jobs lo mostra, /cancel { $number } lo ferma.
confirm-job-queued = ✓ Il lavoro in background #{ $number } è in coda e parte appena si libera un posto; ti mando il risultato quando ho finito. /jobs lo mostra, /cancel { $number } lo ferma.
confirm-job-already = ✓ Il lavoro in background #{ $number } è già in corso.
confirm-job-not-started = ✗ Nessun lavoro in background è stato avviato: { $why }
confirm-bug = ✓ Segnalazione di bug #{ $number } registrata: { $description }
confirm-learned = ✓ Imparato ({ $domain }): { $rule }
confirm-use-forget = Per iniziare una nuova conversazione (smetterei di usare quello che ci siamo detti finora), invia /forget.
confirm-use-purge = Per cancellare { $count ->
        [one] l'unica cosa
       *[other] le { $count } cose
    } che so di te, invia /purge yes. Non cancello niente finché non lo fai.
confirm-not-saved = ✗ Non sono riuscito a salvarlo ({ $error }).
confirm-not-on-your-word = ✗ Non fatto: { $what }. L'ha chiesto qualcosa che ho letto (l'output di uno strumento o una pagina web), e lo faccio solo se me lo chiedi tu: chiedimelo tu stesso.
size-bytes = { $n } byte
size-kb = { $n } KB
size-mb = { $n } MB

## Quando a un messaggio non si può rispondere

busy = Ricevuto, me ne occupo subito dopo.
done = Fatto.
abandoned = Omega si è riavviato più di una volta mentre rispondeva a questo messaggio, quindi ho smesso di riprovare. Per favore, invialo di nuovo.
no-vision = Con il modello attuale non posso guardare le immagini ({ $provider } ha la visione disattivata). Descrivimela a parole, oppure passa a un modello che ci vede ([provider.{ $provider }] vision = true).
history-failed = Non sono riuscito a caricare la nostra conversazione (errore del database). Per favore, riprova.
internal-provider = Qualcosa è andato storto dentro Omega mentre rispondevo (errore interno del provider). Per favore, invia di nuovo il messaggio.
internal-markers = Qualcosa è andato storto dentro Omega mentre leggevo la risposta (errore interno). Per favore, invia di nuovo il messaggio.
internal-session = Qualcosa è andato storto dentro Omega mentre rispondevo (errore interno). Per favore, invia di nuovo il messaggio.
not-saved = Non sono riuscito a salvare il tuo messaggio (errore del database), quindi non posso rispondere. Per favore, invialo di nuovo.
provider-unavailable = Ora non posso rispondere: { $why }.
provider-timeout = Ci ho messo troppo a rispondere ({ $why }). Per favore, riprova.
provider-busy = Il servizio di IA è occupato ({ $why }). Riprova tra un attimo.
provider-failed = Non sono riuscito a ottenere una risposta: { $why }. Per favore, riprova.
budget-sender-usd = Hai raggiunto il budget di oggi: spesi ${ $spent } su ${ $cap }. Si azzera a mezzanotte ({ $tz }); il proprietario può alzare [budget] daily_usd_per_sender.
budget-sender-tokens = Hai raggiunto il budget di token di oggi: usati { $spent } token su { $cap }. Si azzera a mezzanotte ({ $tz }); il proprietario può alzare [budget] daily_tokens_per_sender.
budget-total = { $name } ha raggiunto il budget complessivo di oggi (${ $usd } e { $tokens } token usati). Si azzera a mezzanotte ({ $tz }).
budget-needs-usd = Questo messaggio richiede circa ${ $needs }; oggi restano ${ $left } su ${ $cap }. Si azzera a mezzanotte ({ $tz }); il proprietario può alzare [budget] daily_usd_per_sender.
budget-needs-tokens = Questo messaggio richiede circa { $needs } token; oggi ne restano { $left } su { $cap }. Si azzera a mezzanotte ({ $tz }); il proprietario può alzare [budget] daily_tokens_per_sender.
budget-total-needs = Questo messaggio richiede circa { $needs } token, più di quanto resta oggi del budget complessivo di { $name } (${ $usd } e { $tokens } token usati). Si azzera a mezzanotte ({ $tz }).
budget-unreadable = Non riesco a controllare il budget di oggi ({ $error }), quindi non spendo nulla per questo messaggio. Per favore, riprova più tardi.
media-download-failed = Non sono riuscito a scaricare { $what } ({ $error }). Per favore, riprova l'invio.
media-photo = la tua foto
media-voice = il tuo messaggio vocale
media-save-failed = Non sono riuscito a salvare la tua foto ({ $error }). Per favore, inviala di nuovo.
voice-no-words = Non sono riuscito a distinguere nessuna parola nel tuo messaggio vocale.
voice-failed = Non sono riuscito a trascrivere il tuo messaggio vocale: { $error }.
voice-off = Qui non posso ascoltare i messaggi vocali ([voice] enabled = false). Per favore, scrivilo.
file-not-delivered = Non sono riuscito a inviarti { $name }: { $why }
action-gave-up = Non sono riuscito a fare "{ $description }" dopo { $tries } { $tries ->
        [one] tentativo
       *[other] tentativi
    } ({ $why }). Ho smesso di provarci; chiedimelo di nuovo quando potrà funzionare.
local-note = (Sto girando su un modello locale minuscolo, SmolLM2-135M, quindi aspettati risposte approssimative. Per un vero assistente, imposta un provider in omega.toml — per esempio [provider] default = "anthropic" con ANTHROPIC_API_KEY impostata — oppure punta [provider.local] model_path a un modello GGUF più grande, come uno da 7B.)
