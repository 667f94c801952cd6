# Omega's own words, in fr. Every message here exists in every language (a test checks).

## /help

help-intro = Je suis { $name }, ton agent IA personnel. Écris-moi simplement : pose des questions, réfléchis à voix haute, demande-moi de te rappeler des choses ou de faire quelque chose plus tard — je me souviens de nos conversations.
help-commands = Commandes :
cmd-help = Ce que fait Omega et comment s'en servir
cmd-tasks = Tes rappels et tâches planifiées
cmd-cancel = Annuler une tâche ou un travail en arrière-plan : /cancel ID
cmd-bg = Travailler sur quelque chose en arrière-plan pendant qu'on parle : /bg TEXTE
cmd-jobs = Tes travaux en arrière-plan
cmd-memory = Ce dont je me souviens sur toi
cmd-facts = Les faits que je garde sur toi
cmd-history = Nos conversations précédentes
cmd-forget = Commencer une nouvelle conversation
cmd-language = Voir ou choisir la langue de mes réponses
cmd-personality = Voir ou choisir comment je me comporte
cmd-projects = Tes projets
cmd-project = Activer un projet : /project NOM ou /project off
cmd-skills = Compétences installées
cmd-heartbeat = La liste de vérifications périodiques
cmd-learning = Ce que j'ai appris avec toi
cmd-usage = Ce que tu as dépensé aujourd'hui (et tout le monde)
cmd-context = Ce que contient mon prochain prompt et combien de tokens prend chaque partie
cmd-status = Comment va Omega
cmd-purge = Effacer tout ce que je sais sur toi
cmd-link = Partager ta mémoire avec ton compte sur un autre canal
cmd-unlink = Arrêter de partager la mémoire avec un autre canal
cmd-approve = Laisser entrer quelqu'un qui a reçu un code d'appairage
cmd-whatsapp = Lier WhatsApp : le code QR à scanner avec ton téléphone

## Toutes les commandes

cmd-failed = Je n'ai pas pu faire ça (erreur de base de données : { $error }).
in-project = {" "}dans le projet { $project }
no-project-scope = sans projet

## /status

status =
    { $name } est en marche.
    IA : { $provider } ({ $model }) ; outils : { $tools }.
    Toi{ $scope } : { $history } { $history ->
        [one] message
       *[other] messages
    } dans cette conversation, { $facts } { $facts ->
        [one] fait
       *[other] faits
    }, { $tasks } { $tasks ->
        [one] tâche en attente
       *[other] tâches en attente
    }. Fuseau horaire : { $tz }.
status-tools-on = activés
status-tools-provider = ceux du fournisseur
status-tools-off = désactivés

## /memory, /facts, /history, /forget

memory =
    Ce dont je me souviens sur toi{ $scope } :
    - { $facts } { $facts ->
        [one] fait
       *[other] faits
    } (/facts)
    - { $summaries } { $summaries ->
        [one] conversation précédente
       *[other] conversations précédentes
    } (/history)
    - { $history } { $history ->
        [one] message
       *[other] messages
    } dans cette conversation
    - { $lessons } { $lessons ->
        [one] leçon
       *[other] leçons
    } (/learning)
    Il n'y a que toi qui peux voir ça ; les autres personnes qui me parlent ne voient jamais ta mémoire.
facts-none = Je ne garde encore aucun fait sur toi.
facts-list =
    Ce que je sais sur toi :
    { $facts }

    /purge les efface.
history-current = Cette conversation{ $scope } : { $count } { $count ->
        [one] message
       *[other] messages
    } jusqu'ici.
history-none = Aucune conversation précédente.
history-earlier = Conversations précédentes, de la plus récente à la plus ancienne :
history-no-summary = (pas de résumé)
forget-done = C'est fait : on repart de zéro. Je ne reviendrai plus sur ce qu'on s'est dit dans cette conversation (tes faits et tes tâches restent ; /purge efface les faits).
forget-nothing = Il n'y a aucune conversation à oublier : on repart déjà de zéro.

## /tasks, /cancel

tasks-none = Tu n'as aucune tâche en attente{ $scope }. Demande-moi de te rappeler quelque chose.{ $elsewhere }
tasks-list =
    Tes tâches{ $scope } ({ $tz }) :
    { $tasks }

    /cancel ID en annule une.{ $elsewhere }
task-action = {" "}(je m'en charge)
tasks-elsewhere = { $count ->
    [one] {"\u000A"}({ $count } autre tâche ailleurs : { $scopes } ; /project pour changer.)
   *[other] {"\u000A"}({ $count } autres tâches ailleurs : { $scopes } ; /project pour changer.)
}
cancel-usage = Utilisation : /cancel ID (l'identifiant affiché par /tasks, ou le numéro d'un travail en arrière-plan affiché par /jobs).
cancel-no-scheduler = Je ne peux pas annuler de tâches pour l'instant : le planificateur ne tourne pas.
cancel-done = Annulé : { $description } [{ $id }]
cancel-not-found = Aucune tâche en attente n'a l'identifiant { $id } (/tasks les liste).
cancel-ambiguous = { $id } correspond à { $count } tâches ; donne une plus grande partie de l'identifiant (/tasks les liste).

## /language, /personality

language-fixed = Je te réponds en { $language }. /language auto me laisse suivre la langue de tes messages.
language-auto = Je réponds dans la langue dans laquelle tu m'écris. /language NOM en fixe une.
language-cleared = OK : je répondrai dans la langue dans laquelle tu m'écris.
language-set = OK : je te répondrai en { $language }.
personality-current = Mon style avec toi : { $style }. /personality reset revient au style par défaut.
personality-default = Style par défaut. /personality DESCRIPTION le change (par ex. « bref et formel »).
personality-cleared = OK : je reviens à mon style par défaut.
personality-set = OK : à partir de maintenant — { $style }.

## /skills, /projects, /project

skills-none = Aucune compétence installée. Une compétence, c'est un dossier avec un SKILL.md dans { $dir }.
skills-list =
    Compétences :
    { $skills }
skill-triggers = {" "}(déclenchée par : { $triggers })
skill-unavailable = - { $skill } — indisponible : { $why } ({ $description })
skill-broken = - { $skill } — défectueuse : { $path }, ligne { $line } : { $problem }
projects-none = Pas encore de projets. Un projet, c'est un dossier dans { $dir }.
projects-list =
    Projets :
    { $projects }

    /project NOM en active un, /project off n'en active aucun.
project-active-mark = {" "}(actif)
project-active = Projet actif : { $project }. /project off le désactive.
project-none-active = Aucun projet n'est actif. /projects les liste.
project-off = OK : aucun projet n'est actif.
project-on = OK : le projet { $project } est actif.
project-unknown = Il n'y a pas de projet nommé { $project } (/projects les liste).

## /purge

purge-ask = Ça efface { $count ->
        [one] { $count } fait
       *[other] les { $count } faits
    } que je garde sur toi (tes réglages de langue et de style restent). Envoie /purge yes pour confirmer.
purge-done = { $count ->
        [one] { $count } fait effacé
       *[other] { $count } faits effacés
    }. Je ne sais plus ces choses-là sur toi.

## /heartbeat, /learning

heartbeat-empty = La liste de vérifications périodiques est vide. Demande-moi d'y ajouter quelque chose.
heartbeat-list =
    Liste de vérifications périodiques :
    { $items }
heartbeat-interval = Intervalle : toutes les { $minutes } minutes.
heartbeat-skipped = Sections ignorées : { $sections }.
learning-none = Je n'ai encore rien appris de particulier avec toi{ $scope }.
learning-rules = Les règles que je suis avec toi{ $scope } :
learning-outcomes = Résultats : sur { $total }, { $good } se sont bien passés et { $bad } mal passés.

## /link, /unlink, /approve

link-code = Pour partager ta mémoire avec ton compte sur un autre canal, envoie /link { $code } depuis ce canal dans les 10 minutes. Ne fais ça qu'avec des comptes qui t'appartiennent.
link-done = C'est lié : ce compte partage maintenant sa mémoire (faits, leçons, style) avec { $account }. /unlink annule ça.
link-no-code = Aucun code de liaison { $code } n'est en attente (les codes expirent après 10 minutes ; /link en crée un nouveau).
link-same = Ce code a été créé sur ce même compte.
unlink-done = C'est délié : ce compte a de nouveau sa propre mémoire.
unlink-none = Ce compte n'est lié à aucun autre.
approve-usage = Utilisation : /approve CODE (le code que la personne a reçu).
approve-owner-only = Seul le propriétaire peut approuver les codes d'appairage.
approve-welcome = C'est bon, tu as accès — dis bonjour !
approve-done = C'est fait : { $who } sur { $channel } peut maintenant me parler.
approve-unknown = Aucune demande en attente n'a le code { $code } (les codes expirent après 10 minutes).
pairing-offer = Salut ! Je ne parle qu'aux personnes que mon propriétaire a approuvées. Ton code d'appairage est { $code } (valable { $minutes } minutes) : demande au propriétaire de m'envoyer /approve { $code }, ou de lancer `omega pair { $code }`.

## /usage

usage =
    Aujourd'hui ({ $tz }) :
    Toi : ${ $mine_usd }{ $usd_cap } et { $mine_tokens } tokens{ $token_cap } en { $calls } { $calls ->
        [one] message
       *[other] messages
    }.
    Tout le monde : ${ $all_usd }{ $all_usd_cap } et { $all_tokens } tokens{ $all_token_cap }.{ $cache }
usage-usd-cap = {" "}sur ${ $cap }
usage-token-cap = {" "}sur { $cap }
usage-cache = {"\u000A"}Cache du prompt : { $percent } % des tokens de prompt d'aujourd'hui ont été lus depuis le cache ({ $read } sur { $total }), ce qui a économisé environ ${ $saved }.
usage-estimated = {"\u000A"}≈ { $calls } des appels d'aujourd'hui sont comptés par estimation (environ quatre caractères par token) : leur fournisseur n'a pas indiqué de consommation.

## /context

context-failed = Je n'ai pas pu construire le prompt (erreur de base de données : { $error }).
context =
    Le prompt de ton prochain message{ $scope }, environ { $total } tokens sur les { $allowed } autorisés :
    - qui je suis, ce que je sais faire, les règles et la liste des compétences : ~{ $stable } tokens (en cache pour tout le monde)
    - ce que je sais de toi (profil, réglages, projet, leçons, résultats) : ~{ $person } tokens (en cache pour toi)
    - ce tour-ci (résumés, souvenirs retrouvés, tâches, l'heure{ $compacted }) : ~{ $turn } tokens
    - cette conversation : { $messages } messages, ~{ $history } tokens{ $older }{ $tools }
context-compacted = , et le résumé de la partie la plus ancienne de cette conversation
context-older = {" "}(sa partie la plus ancienne est dans le résumé ; /history a tout)
context-tools = {"\u000A"}- outils : { $count }, ~{ $tokens } tokens

## /whatsapp

whatsapp-owner-only = Seul le propriétaire peut lier WhatsApp.
whatsapp-not-running = WhatsApp Web ne tourne pas ici. Il tourne dans le démon (`omega start`) avec [channel.whatsapp] enabled = true et mode = "web" ; ou bien, avec Omega arrêté, fais l'appairage depuis un terminal avec `omega whatsapp pair`.
whatsapp-restarting = La connexion à WhatsApp redémarre ; réessaie dans un instant.
whatsapp-forgetting = WhatsApp vient de me déconnecter et je suis encore en train d'effacer les anciennes clés ; renvoie /whatsapp dans un instant.
whatsapp-already = WhatsApp est déjà lié. Pour lier un autre numéro, retire d'abord Omega dans Appareils connectés sur le téléphone.
whatsapp-under-way = L'appairage est déjà en cours ; le prochain code QR arrivera ici.
whatsapp-connecting = Connexion à WhatsApp… un code QR à scanner va suivre.
whatsapp-no-answer = WhatsApp n'a pas répondu en { $secs } s ; vérifie que cette machine arrive à joindre web.whatsapp.com, puis renvoie /whatsapp.
whatsapp-cannot-start = WhatsApp n'a pas pu démarrer : { $error }
whatsapp-scan = Scanne ceci avec WhatsApp sur ton téléphone : Paramètres › Appareils connectés › Connecter un appareil. Le code change dans { $secs } s.
whatsapp-no-photo = (Impossible d'envoyer une photo ici : lance plutôt `omega whatsapp pair` dans un terminal.)
whatsapp-pair-code = Sur ton téléphone : WhatsApp › Appareils connectés › Connecter un appareil › Connecter avec le numéro de téléphone, puis tape { $code } (valable { $secs } s).
whatsapp-linked = WhatsApp est lié (+{ $number }).
whatsapp-allow-hint = {" "}Pour me parler depuis ce téléphone (dans la discussion avec toi-même), ajoute { $number } à [channel.whatsapp] allowed_users.
whatsapp-logged-out = WhatsApp m'a déconnecté ({ $why }) : je ne reçois et n'envoie plus de messages WhatsApp. Envoie /whatsapp pour me lier à nouveau.
whatsapp-paired = Le téléphone m'a lié ; je termine la configuration avec WhatsApp…
whatsapp-stopped = WhatsApp s'est arrêté : { $why }.{ $next }
whatsapp-retry = {" "}Je réessaierai dans { $minutes } minutes.
whatsapp-link-failed = La liaison avec WhatsApp a échoué : { $error }. Envoie /whatsapp pour réessayer.
whatsapp-qr-expired = Les codes QR ont expiré avant que le téléphone ne me lie. Envoie /whatsapp pour en avoir de nouveaux.
whatsapp-stalled = WhatsApp ne donne plus signe de vie depuis { $minutes } minutes : { $advice } ; je te préviendrai quand il sera revenu.
whatsapp-recovered = WhatsApp fonctionne de nouveau.

## Travaux en arrière-plan

job-stopped = Le travail en arrière-plan #{ $number } ({ $title }) a été arrêté : { $why }.
job-done =
    Le travail en arrière-plan #{ $number } est terminé ({ $title }) :

    { $text }
job-failed = Le travail en arrière-plan #{ $number } ({ $title }) a échoué : { $text }
job-cancelled-by-you = tu l'as annulé
job-cancelled-before-start = tu l'as annulé avant qu'il démarre
job-timed-out = il tournait encore après { $minutes } minutes, la limite ([jobs] timeout_mins)
bg-usage = Utilisation : /bg TEXTE — je travaille sur TEXTE en arrière-plan et je t'envoie le résultat quand c'est fini (/jobs liste tes travaux).
jobs-none = Tu n'as aucun travail en arrière-plan. /bg TEXTE en lance un (ou demande-moi de me pencher sur quelque chose en arrière-plan).
jobs-live =
    Tes travaux en arrière-plan :
    { $jobs }

    /cancel ID en arrête un.
jobs-finished =
    Terminés ces dernières 24 heures :
    { $jobs }
job-running = #{ $number } en cours depuis { $duration } — { $title }
job-waiting = #{ $number } en attente d'une place libre — { $title }
job-finished-ok = #{ $number } terminé — { $title }
job-finished-not = #{ $number } échoué ou arrêté — { $title }
job-about-to-start = #{ $number } sur le point de démarrer — { $title }
job-stopping = J'arrête le travail en arrière-plan #{ $number } ; je te préviendrai quand il sera arrêté.
job-dropped = Le travail en arrière-plan #{ $number } est annulé ; il n'avait pas commencé.
job-starting = Le travail en arrière-plan #{ $number } est sur le point de démarrer ; réessaie dans un instant.
job-already-finished = Le travail en arrière-plan #{ $number } est déjà terminé.
duration-secs = { $secs } s
duration-mins = { $mins } min
duration-hours = { $hours } h { $mins } min

## Confirmations de ce qu'une réponse a fait

confirm-reminder-set = ✓ Rappel créé : { $description } — { $when }{ $every } [{ $id }]
confirm-task-set = ✓ Tâche créée : { $description } — { $when }{ $every } [{ $id }]
confirm-every = , { $every }
confirm-reminder-already = Ce rappel existe déjà [{ $id }].
confirm-task-already = Cette tâche existe déjà [{ $id }].
confirm-reminder-failed = ✗ Je n'ai pas pu créer le rappel « { $description } » : { $why }.
confirm-task-failed = ✗ Je n'ai pas pu créer la tâche « { $description } » : { $why }.
confirm-updated = ✓ Modifié : { $description } — { $when }{ $every } [{ $id }]
confirm-update-failed = ✗ Je n'ai pas pu modifier la tâche { $id } : { $why }.
confirm-cancelled = ✓ Annulé : { $description } [{ $id }]
confirm-no-task = ✗ Aucune tâche en attente n'a l'identifiant { $id }.
confirm-ambiguous = ✗ { $id } correspond à plusieurs tâches ({ $ids }) ; donne une plus grande partie de l'identifiant.
confirm-checklist-added = ✓ Ajouté à ta liste de vérifications périodiques : { $item }
confirm-checklist-has = « { $item } » est déjà dans ta liste de vérifications périodiques.
confirm-checklist-removed = ✓ Retiré de ta liste de vérifications périodiques : { $items }
confirm-checklist-missing = ✗ Aucun élément de la liste de vérifications périodiques ne correspond à « { $item } ».
confirm-no-checklist = ✗ Il n'y a pas encore de liste de vérifications périodiques.
confirm-checklist-failed = ✗ Je n'ai pas pu mettre à jour la liste de vérifications périodiques ({ $error }).
confirm-heartbeat-every = ✓ Vérification périodique toutes les { $minutes } minutes.
confirm-section-skipped = ✓ La vérification périodique sautera « { $section } ».
confirm-section-checked = ✓ La vérification périodique contrôlera de nouveau « { $section } ».
confirm-project-active = ✓ Le projet { $project } est actif.
confirm-no-such-project = ✗ Il n'y a pas de projet nommé { $project } (il n'y en a encore aucun).
confirm-no-such-project-known = ✗ Il n'y a pas de projet nommé { $project } (projets : { $known }).
confirm-no-project = ✓ Aucun projet n'est actif.
confirm-skill-improved = ✓ Ajouté à la compétence { $skill }, sous Lessons Learned : { $lesson }
confirm-skill-known = ✓ La compétence { $skill } contient déjà cette leçon.
confirm-no-such-skill = ✗ Il n'y a pas de compétence nommée { $skill } (il n'y en a encore aucune).
confirm-no-such-skill-known = ✗ Il n'y a pas de compétence nommée { $skill } (compétences : { $known }).
confirm-skill-installed = ✓ Compétence { $skill } installée.
confirm-skill-installed-triggers = ✓ Compétence { $skill } installée ; elle se déclenche sur : { $triggers }.
confirm-skill-updated = ✓ Compétence { $skill } mise à jour (la version précédente est gardée dans SKILL.md.bak).
confirm-skill-updated-triggers = ✓ Compétence { $skill } mise à jour (la version précédente est gardée dans SKILL.md.bak) ; elle se déclenche sur : { $triggers }.
confirm-skill-unchanged = ✗ La compétence { $skill } n'a pas été modifiée : { $why }
confirm-file = 📎 { $name } ({ $size })
confirm-file-not-sent = ✗ { $path } n'a pas été envoyé : { $why }
confirm-job-started = ✓ Travail en arrière-plan #{ $number } lancé : je t'enverrai le résultat quand il sera fini. /jobs l'affiche, /cancel { $number } l'arrête.
confirm-job-queued = ✓ Le travail en arrière-plan #{ $number } est en file d'attente et démarrera dès qu'une place se libère ; je t'enverrai le résultat quand il sera fini. /jobs l'affiche, /cancel { $number } l'arrête.
confirm-job-already = ✓ Le travail en arrière-plan #{ $number } est déjà en cours.
confirm-job-not-started = ✗ Aucun travail en arrière-plan n'a été lancé : { $why }
confirm-bug = ✓ Rapport de bug #{ $number } enregistré : { $description }
confirm-learned = ✓ Appris ({ $domain }) : { $rule }
confirm-use-forget = Pour commencer une nouvelle conversation (je n'utiliserais plus ce qu'on s'est dit jusqu'ici), envoie /forget.
confirm-use-purge = Pour effacer ce que je sais sur toi ({ $count } { $count ->
        [one] élément
       *[other] éléments
    }), envoie /purge yes. Rien n'est effacé tant que tu ne l'as pas fait.
confirm-not-saved = ✗ Je n'ai pas pu enregistrer ça ({ $error }).
confirm-not-on-your-word = ✗ Pas fait : { $what }. C'est quelque chose que j'ai lu (la sortie d'un outil ou une page web) qui l'a demandé, et je ne le fais que sur ta propre demande : demande-le-moi toi-même.
size-bytes = { $n } { $n ->
        [one] octet
       *[other] octets
    }
size-kb = { $n } Ko
size-mb = { $n } Mo

## Quand un message ne peut pas recevoir de réponse

busy = Bien reçu, je m'en occupe juste après.
done = C'est fait.
abandoned = Omega a redémarré plus d'une fois pendant qu'il répondait à ce message, alors j'ai arrêté de réessayer. Renvoie-le, s'il te plaît.
no-vision = Je ne peux pas regarder les images avec le modèle actuel ({ $provider } a la vision désactivée). Décris-moi l'image avec des mots, ou passe à un modèle qui voit ([provider.{ $provider }] vision = true).
history-failed = Je n'ai pas pu charger notre conversation (erreur de base de données). Réessaie, s'il te plaît.
internal-provider = Quelque chose s'est mal passé dans Omega pendant que je répondais (erreur interne du fournisseur). Renvoie ton message, s'il te plaît.
internal-markers = Quelque chose s'est mal passé dans Omega pendant la lecture de la réponse (erreur interne). Renvoie ton message, s'il te plaît.
internal-session = Quelque chose s'est mal passé dans Omega pendant que je répondais (erreur interne). Renvoie ton message, s'il te plaît.
not-saved = Je n'ai pas pu enregistrer ton message (erreur de base de données), donc je ne peux pas y répondre. Renvoie-le, s'il te plaît.
provider-unavailable = Je ne peux pas répondre pour l'instant : { $why }.
provider-timeout = J'ai mis trop de temps à répondre ({ $why }). Réessaie, s'il te plaît.
provider-busy = Le service d'IA est surchargé ({ $why }). Réessaie dans un instant.
provider-failed = Je n'ai pas pu obtenir de réponse : { $why }. Réessaie, s'il te plaît.
budget-sender-usd = Tu as atteint le budget du jour : ${ $spent } dépensés sur ${ $cap }. Il repart à zéro à minuit ({ $tz }) ; le propriétaire peut augmenter [budget] daily_usd_per_sender.
budget-sender-tokens = Tu as atteint le budget de tokens du jour : { $spent } tokens utilisés sur { $cap }. Il repart à zéro à minuit ({ $tz }) ; le propriétaire peut augmenter [budget] daily_tokens_per_sender.
budget-total = { $name } a atteint le budget global du jour (${ $usd } et { $tokens } tokens utilisés). Il repart à zéro à minuit ({ $tz }).
budget-needs-usd = Ce message demande environ ${ $needs } ; il reste ${ $left } sur ${ $cap } aujourd'hui. Le budget repart à zéro à minuit ({ $tz }) ; le propriétaire peut augmenter [budget] daily_usd_per_sender.
budget-needs-tokens = Ce message demande environ { $needs } tokens ; il en reste { $left } sur { $cap } aujourd'hui. Le budget repart à zéro à minuit ({ $tz }) ; le propriétaire peut augmenter [budget] daily_tokens_per_sender.
budget-total-needs = Ce message demande environ { $needs } tokens, plus qu'il n'en reste du budget global de { $name } aujourd'hui (${ $usd } et { $tokens } tokens utilisés). Il repart à zéro à minuit ({ $tz }).
budget-unreadable = Je n'arrive pas à vérifier le budget du jour ({ $error }), donc je ne dépense rien pour ce message. Réessaie plus tard, s'il te plaît.
media-download-failed = Je n'ai pas pu télécharger { $what } ({ $error }). Réessaie de l'envoyer, s'il te plaît.
media-photo = ta photo
media-voice = ton message vocal
media-save-failed = Je n'ai pas pu enregistrer ta photo ({ $error }). Renvoie-la, s'il te plaît.
voice-no-words = Je n'ai distingué aucun mot dans ton message vocal.
voice-failed = Je n'ai pas pu transcrire ton message vocal : { $error }.
voice-off = Je ne peux pas écouter les messages vocaux ici ([voice] enabled = false). Écris-le, s'il te plaît.
file-not-delivered = Je n'ai pas pu t'envoyer { $name } : { $why }
action-gave-up = Je n'ai pas pu faire « { $description } » après { $tries } tentatives ({ $why }). J'ai arrêté d'essayer ; redemande-moi quand ça pourra marcher.
local-note = (Je tourne sur un tout petit modèle local, SmolLM2-135M, alors attends-toi à des réponses approximatives. Pour un vrai assistant, configure un fournisseur dans omega.toml — par exemple [provider] default = "anthropic" avec ANTHROPIC_API_KEY défini — ou fais pointer [provider.local] model_path vers un modèle GGUF plus gros, par exemple un 7B.)
