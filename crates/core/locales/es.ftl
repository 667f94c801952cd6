# Omega's own words, in es. Every message here exists in every language (a test checks).

## /help

help-intro = Soy { $name }, tu agente personal de IA. Escríbeme con naturalidad: hazme preguntas, piensa en voz alta, pídeme que te recuerde cosas o que haga algo más tarde — recuerdo nuestras conversaciones.
help-commands = Comandos:
cmd-help = Qué puede hacer Omega y cómo usarlo
cmd-tasks = Tus recordatorios y tareas programadas
cmd-cancel = Cancelar una tarea o un trabajo en segundo plano: /cancel ID
cmd-bg = Trabajar en algo en segundo plano mientras hablamos: /bg TEXTO
cmd-jobs = Tus trabajos en segundo plano
cmd-memory = Lo que recuerdo de ti
cmd-facts = Los datos que guardo sobre ti
cmd-history = Nuestras conversaciones anteriores
cmd-forget = Empezar una conversación nueva
cmd-language = Ver o elegir el idioma de mis respuestas
cmd-personality = Ver o elegir cómo me comporto
cmd-projects = Tus proyectos
cmd-project = Activar un proyecto: /project NOMBRE o /project off
cmd-skills = Habilidades instaladas
cmd-heartbeat = La lista de comprobaciones periódicas
cmd-learning = Lo que aprendí contigo
cmd-usage = Lo que gastaste hoy tú (y todos)
cmd-context = Qué contiene mi próximo prompt y cuántos tokens ocupa cada parte
cmd-status = Cómo está Omega
cmd-purge = Borrar todo lo que sé de ti
cmd-link = Compartir tu memoria con tu cuenta en otro canal
cmd-unlink = Dejar de compartir la memoria con otro canal
cmd-approve = Dejar entrar a alguien que recibió un código de emparejamiento
cmd-whatsapp = Vincular WhatsApp: el código QR para escanear con tu teléfono

## Cualquier comando

cmd-failed = No pude hacerlo (error de la base de datos: { $error }).
in-project = {" "}en el proyecto { $project }
no-project-scope = sin proyecto

## /status

status =
    { $name } está en marcha.
    IA: { $provider } ({ $model }); herramientas: { $tools }.
    Tú{ $scope }: { $history ->
        [one] { $history } mensaje
       *[other] { $history } mensajes
    } en esta conversación, { $facts ->
        [one] { $facts } dato
       *[other] { $facts } datos
    }, { $tasks ->
        [one] { $tasks } tarea pendiente
       *[other] { $tasks } tareas pendientes
    }. Zona horaria: { $tz }.
status-tools-on = activadas
status-tools-provider = las del propio proveedor
status-tools-off = desactivadas

## /memory, /facts, /history, /forget

memory =
    Lo que recuerdo de ti{ $scope }:
    - { $facts ->
        [one] { $facts } dato
       *[other] { $facts } datos
    } (/facts)
    - { $summaries ->
        [one] { $summaries } conversación anterior
       *[other] { $summaries } conversaciones anteriores
    } (/history)
    - { $history ->
        [one] { $history } mensaje
       *[other] { $history } mensajes
    } en esta conversación
    - { $lessons ->
        [one] { $lessons } lección
       *[other] { $lessons } lecciones
    } (/learning)
    Solo tú puedes ver esto; las demás personas que hablan conmigo nunca ven tu memoria.
facts-none = Todavía no guardo ningún dato sobre ti.
facts-list =
    Lo que sé de ti:
    { $facts }

    /purge los borra.
history-current = { $count ->
    [one] Esta conversación{ $scope }: { $count } mensaje hasta ahora.
   *[other] Esta conversación{ $scope }: { $count } mensajes hasta ahora.
}
history-none = No hay conversaciones anteriores.
history-earlier = Conversaciones anteriores, de la más reciente a la más antigua:
history-no-summary = (sin resumen)
forget-done = Hecho: empezamos de cero. No volveré a sacar lo que hablamos en esa conversación (tus datos y tus tareas se quedan; /purge borra los datos).
forget-nothing = No hay ninguna conversación que olvidar: ya empezamos de cero.

## /tasks, /cancel

tasks-none = No tienes tareas pendientes{ $scope }. Pídeme que te recuerde algo.{ $elsewhere }
tasks-list =
    Tus tareas{ $scope } ({ $tz }):
    { $tasks }

    /cancel ID cancela una.{ $elsewhere }
task-action = {" "}(lo haré yo)
tasks-elsewhere = { $count ->
    [one] {"\u000A"}({ $count } tarea más fuera de este ámbito: { $scopes }; cambia con /project.)
   *[other] {"\u000A"}({ $count } tareas más fuera de este ámbito: { $scopes }; cambia con /project.)
}
cancel-usage = Uso: /cancel ID (el id que muestra /tasks, o el número de un trabajo en segundo plano de /jobs).
cancel-no-scheduler = Ahora mismo no puedo cancelar tareas: el planificador no está en marcha.
cancel-done = Cancelada: { $description } [{ $id }]
cancel-not-found = Ninguna tarea pendiente tiene el id { $id } (/tasks te las muestra).
cancel-ambiguous = { $id } coincide con { $count } tareas; usa más caracteres del id (/tasks te las muestra).

## /language, /personality

language-fixed = Te respondo en { $language }. Con /language auto sigo el idioma de tus mensajes.
language-auto = Te respondo en el idioma en que me escribes. /language NOMBRE fija uno.
language-cleared = Vale: te responderé en el idioma en que me escribas.
language-set = Vale: te responderé en { $language }.
personality-current = Mi estilo contigo: { $style }. /personality reset vuelve al predeterminado.
personality-default = Estilo predeterminado. /personality DESCRIPCIÓN lo cambia (p. ej. "breve y formal").
personality-cleared = Vale: vuelvo a mi estilo predeterminado.
personality-set = Vale: a partir de ahora — { $style }.

## /skills, /projects, /project

skills-none = No hay habilidades instaladas. Una habilidad es una carpeta con un SKILL.md dentro de { $dir }.
skills-list =
    Habilidades:
    { $skills }
skill-triggers = {" "}(se activa con: { $triggers })
skill-unavailable = - { $skill } — no disponible: { $why } ({ $description })
skill-broken = - { $skill } — con errores: { $path }, línea { $line }: { $problem }
projects-none = Todavía no hay proyectos. Un proyecto es una carpeta dentro de { $dir }.
projects-list =
    Proyectos:
    { $projects }

    /project NOMBRE activa uno; /project off, ninguno.
project-active-mark = {" "}(activo)
project-active = Proyecto activo: { $project }. /project off lo desactiva.
project-none-active = No hay ningún proyecto activo. /projects te los muestra.
project-off = Vale: ya no hay ningún proyecto activo.
project-on = Vale: el proyecto { $project } está activo.
project-unknown = No hay ningún proyecto llamado { $project } (/projects te los muestra).

## /purge

purge-ask = { $count ->
    [one] Esto borra el único dato que guardo sobre ti (tu idioma y tu estilo se quedan). Envía /purge yes para confirmar.
   *[other] Esto borra los { $count } datos que guardo sobre ti (tu idioma y tu estilo se quedan). Envía /purge yes para confirmar.
}
purge-done = { $count ->
    [one] Borrado { $count } dato. Ya no sé eso de ti.
   *[other] Borrados { $count } datos. Ya no sé esas cosas de ti.
}

## /heartbeat, /learning

heartbeat-empty = La lista de comprobaciones periódicas está vacía. Pídeme que añada algo.
heartbeat-list =
    Lista de comprobaciones periódicas:
    { $items }
heartbeat-interval = { $minutes ->
    [one] Intervalo: cada minuto.
   *[other] Intervalo: cada { $minutes } minutos.
}
heartbeat-skipped = Secciones omitidas: { $sections }.
learning-none = Todavía no he aprendido nada concreto contigo{ $scope }.
learning-rules = Reglas que sigo contigo{ $scope }:
learning-outcomes = Resultados: { $good } salieron bien y { $bad } mal, de { $total }.

## /link, /unlink, /approve

link-code = Para compartir tu memoria con tu cuenta en otro canal, envía /link { $code } desde allí en los próximos 10 minutos. Hazlo solo con cuentas que sean tuyas.
link-done = Vinculada: esta cuenta ahora comparte memoria (datos, lecciones, estilo) con { $account }. /unlink lo deshace.
link-no-code = No hay ningún código de vinculación { $code } pendiente (los códigos caducan a los 10 minutos; /link crea uno nuevo).
link-same = Ese código se creó en esta misma cuenta.
unlink-done = Desvinculada: esta cuenta vuelve a tener su propia memoria.
unlink-none = Esta cuenta no está vinculada a ninguna otra.
approve-usage = Uso: /approve CÓDIGO (el código que recibió la persona).
approve-owner-only = Solo el propietario puede aprobar códigos de emparejamiento.
approve-welcome = ¡Ya tienes acceso! Salúdame.
approve-done = Listo: { $who } ya tiene acceso en { $channel } y puede hablar conmigo.
approve-unknown = Ninguna solicitud pendiente tiene el código { $code } (los códigos caducan a los 10 minutos).
pairing-offer = ¡Hola! Solo hablo con personas que mi propietario ha aprobado. Tu código de emparejamiento es { $code } (válido durante { $minutes } minutos): pide al propietario que me envíe /approve { $code } o que ejecute `omega pair { $code }`.

## /usage

usage =
    Hoy ({ $tz }):
    Tú: ${ $mine_usd }{ $usd_cap } y { $mine_tokens } tokens{ $token_cap } en { $calls ->
        [one] { $calls } mensaje
       *[other] { $calls } mensajes
    }.
    Todos: ${ $all_usd }{ $all_usd_cap } y { $all_tokens } tokens{ $all_token_cap }.{ $cache }
usage-usd-cap = {" "}de ${ $cap }
usage-token-cap = {" "}de { $cap }
usage-cache = {"\u000A"}Caché de prompts: el { $percent }% de los tokens de prompt de hoy se leyeron de la caché ({ $read } de { $total }), con un ahorro de unos ${ $saved }.
usage-estimated = {"\u000A"}≈ { $calls } de las llamadas de hoy se cuentan por estimación (unos cuatro caracteres por token): su proveedor no informó del consumo.

## /context

context-failed = No pude montar el prompt (error de la base de datos: { $error }).
context =
    El prompt de tu próximo mensaje{ $scope }, unos { $total } tokens de los { $allowed } permitidos:
    - quién soy, qué sé hacer, las reglas y la lista de habilidades: ~{ $stable } tokens (en caché para todos)
    - lo que sé de ti (perfil, ajustes, proyecto, lecciones, resultados): ~{ $person } tokens (en caché para ti)
    - este turno (resúmenes, recuerdos, tareas, la hora{ $compacted }): ~{ $turn } tokens
    - esta conversación: { $messages ->
        [one] { $messages } mensaje
       *[other] { $messages } mensajes
    }, ~{ $history } tokens{ $older }{ $tools }
context-compacted = , y el resumen de la parte más antigua de esta conversación
context-older = {" "}(su parte más antigua está en el resumen; /history la tiene entera)
context-tools = {"\u000A"}- herramientas: { $count }, ~{ $tokens } tokens

## /whatsapp

whatsapp-owner-only = Solo el propietario puede vincular WhatsApp.
whatsapp-not-running = WhatsApp Web no está funcionando aquí. Funciona en el servicio (`omega start`) con [channel.whatsapp] enabled = true y mode = "web"; o, con Omega parado, empareja desde un terminal con `omega whatsapp pair`.
whatsapp-restarting = La conexión de WhatsApp se está reiniciando; vuelve a intentarlo en un momento.
whatsapp-forgetting = WhatsApp acaba de cerrar mi sesión y todavía estoy borrando las claves antiguas; vuelve a enviar /whatsapp en un momento.
whatsapp-already = WhatsApp ya está vinculado. Para vincular otro número, primero quita Omega de Dispositivos vinculados en el teléfono.
whatsapp-under-way = El emparejamiento ya está en marcha; el próximo código QR llegará aquí.
whatsapp-connecting = Conectando con WhatsApp… enseguida te llega un código QR para escanear.
whatsapp-no-answer = WhatsApp no respondió en { $secs } s; comprueba que esta máquina llega a web.whatsapp.com y vuelve a enviar /whatsapp.
whatsapp-cannot-start = WhatsApp no pudo arrancar: { $error }
whatsapp-scan = Escanéalo con WhatsApp en tu teléfono: Ajustes › Dispositivos vinculados › Vincular un dispositivo. Cambia dentro de { $secs } s.
whatsapp-no-photo = (Aquí no puedo enviar una foto: ejecuta `omega whatsapp pair` en un terminal.)
whatsapp-pair-code = En tu teléfono: WhatsApp › Dispositivos vinculados › Vincular un dispositivo › Vincular con el número de teléfono, y escribe { $code } (válido { $secs } s).
whatsapp-linked = WhatsApp está vinculado (+{ $number }).
whatsapp-allow-hint = {" "}Para hablar conmigo desde ese teléfono (en el chat contigo mismo), añade { $number } a [channel.whatsapp] allowed_users.
whatsapp-logged-out = WhatsApp cerró mi sesión ({ $why }): ya no recibo ni envío mensajes de WhatsApp. Envía /whatsapp para volver a vincularme.
whatsapp-paired = El teléfono me ha vinculado; terminando la configuración con WhatsApp…
whatsapp-stopped = WhatsApp se ha detenido: { $why }.{ $next }
whatsapp-retry = { $minutes ->
    [one] {" "}Volveré a intentarlo dentro de { $minutes } minuto.
   *[other] {" "}Volveré a intentarlo dentro de { $minutes } minutos.
}
whatsapp-link-failed = No se pudo vincular WhatsApp: { $error }. Envía /whatsapp para volver a intentarlo.
whatsapp-qr-expired = Los códigos QR caducaron antes de que el teléfono me vinculara. Envía /whatsapp para recibir otros nuevos.
whatsapp-stalled = { $minutes ->
    [one] WhatsApp lleva { $minutes } minuto sin dar señales de vida: { $advice }; te avisaré cuando vuelva.
   *[other] WhatsApp lleva { $minutes } minutos sin dar señales de vida: { $advice }; te avisaré cuando vuelva.
}
whatsapp-recovered = WhatsApp vuelve a funcionar.

## Trabajos en segundo plano

job-stopped = El trabajo en segundo plano #{ $number } ({ $title }) se detuvo: { $why }.
job-done =
    El trabajo en segundo plano #{ $number } ha terminado ({ $title }):

    { $text }
job-failed = El trabajo en segundo plano #{ $number } ({ $title }) falló: { $text }
job-cancelled-by-you = lo cancelaste tú
job-cancelled-before-start = lo cancelaste antes de que empezara
job-timed-out = { $minutes ->
    [one] duró más de { $minutes } minuto
   *[other] duró más de { $minutes } minutos
}
bg-usage = Uso: /bg TEXTO — trabajo en TEXTO en segundo plano y te envío el resultado cuando termine (/jobs muestra tus trabajos).
jobs-none = No tienes trabajos en segundo plano. /bg TEXTO inicia uno (o pídeme que investigue algo en segundo plano).
jobs-live =
    Tus trabajos en segundo plano:
    { $jobs }

    /cancel ID detiene uno.
jobs-finished =
    Terminados en el último día:
    { $jobs }
job-running = #{ $number } en marcha desde hace { $duration } — { $title }
job-waiting = #{ $number } esperando un hueco libre — { $title }
job-finished-ok = #{ $number } terminado — { $title }
job-finished-not = #{ $number } falló o se detuvo — { $title }
job-about-to-start = #{ $number } a punto de empezar — { $title }
job-stopping = Deteniendo el trabajo en segundo plano #{ $number }; te avisaré cuando se haya detenido.
job-dropped = El trabajo en segundo plano #{ $number } queda cancelado; aún no había empezado.
job-starting = El trabajo en segundo plano #{ $number } está a punto de empezar; vuelve a intentarlo en un momento.
job-already-finished = El trabajo en segundo plano #{ $number } ya ha terminado.
duration-secs = { $secs } s
duration-mins = { $mins } min
duration-hours = { $hours } h { $mins } min

## Confirmaciones de lo que hizo una respuesta

confirm-reminder-set = ✓ Recordatorio creado: { $description } — { $when }{ $every } [{ $id }]
confirm-task-set = ✓ Tarea creada: { $description } — { $when }{ $every } [{ $id }]
confirm-every = , { $every }
confirm-reminder-already = Ese recordatorio ya existe [{ $id }].
confirm-task-already = Esa tarea ya existe [{ $id }].
confirm-reminder-failed = ✗ No pude crear el recordatorio "{ $description }": { $why }.
confirm-task-failed = ✗ No pude crear la tarea "{ $description }": { $why }.
confirm-updated = ✓ Actualizada: { $description } — { $when }{ $every } [{ $id }]
confirm-update-failed = ✗ No pude cambiar la tarea { $id }: { $why }.
confirm-cancelled = ✓ Cancelada: { $description } [{ $id }]
confirm-no-task = ✗ Ninguna tarea pendiente tiene el id { $id }.
confirm-ambiguous = ✗ { $id } coincide con varias tareas ({ $ids }); usa más caracteres del id.
confirm-checklist-added = ✓ Añadido a tu lista de comprobaciones periódicas: { $item }
confirm-checklist-has = "{ $item }" ya está en tu lista de comprobaciones periódicas.
confirm-checklist-removed = ✓ Quitado de tu lista de comprobaciones periódicas: { $items }
confirm-checklist-missing = ✗ Ningún elemento de la lista de comprobaciones periódicas coincide con "{ $item }".
confirm-no-checklist = ✗ Todavía no hay lista de comprobaciones periódicas.
confirm-checklist-failed = ✗ No pude actualizar la lista de comprobaciones periódicas ({ $error }).
confirm-heartbeat-every = { $minutes ->
    [one] ✓ Comprobaciones periódicas cada minuto.
   *[other] ✓ Comprobaciones periódicas cada { $minutes } minutos.
}
confirm-section-skipped = ✓ Las comprobaciones periódicas se saltarán "{ $section }".
confirm-section-checked = ✓ Las comprobaciones periódicas volverán a revisar "{ $section }".
confirm-project-active = ✓ El proyecto { $project } está activo.
confirm-no-such-project = ✗ No hay ningún proyecto llamado { $project } (todavía no hay ninguno).
confirm-no-such-project-known = ✗ No hay ningún proyecto llamado { $project } (proyectos: { $known }).
confirm-no-project = ✓ Ningún proyecto activo.
confirm-skill-improved = ✓ Anotado en la habilidad { $skill }, en Lessons Learned: { $lesson }
confirm-skill-known = ✓ La habilidad { $skill } ya tiene esa lección.
confirm-no-such-skill = ✗ No hay ninguna habilidad llamada { $skill } (todavía no hay ninguna).
confirm-no-such-skill-known = ✗ No hay ninguna habilidad llamada { $skill } (habilidades: { $known }).
confirm-skill-installed = ✓ Habilidad { $skill } instalada.
confirm-skill-installed-triggers = ✓ Habilidad { $skill } instalada; se activa con: { $triggers }.
confirm-skill-updated = ✓ Habilidad { $skill } actualizada (la versión anterior se guarda como SKILL.md.bak).
confirm-skill-updated-triggers = ✓ Habilidad { $skill } actualizada (la versión anterior se guarda como SKILL.md.bak); se activa con: { $triggers }.
confirm-skill-unchanged = ✗ La habilidad { $skill } no se ha cambiado: { $why }
confirm-file = 📎 { $name } ({ $size })
confirm-file-not-sent = ✗ No se envió { $path }: { $why }
confirm-job-started = ✓ Trabajo en segundo plano #{ $number } iniciado: te enviaré el resultado cuando termine. /jobs lo muestra, /cancel { $number } lo detiene.
confirm-job-queued = ✓ El trabajo en segundo plano #{ $number } está en cola y empezará cuando haya un hueco libre; te enviaré el resultado cuando termine. /jobs lo muestra, /cancel { $number } lo detiene.
confirm-job-already = ✓ El trabajo en segundo plano #{ $number } ya está en marcha.
confirm-job-not-started = ✗ No se inició ningún trabajo en segundo plano: { $why }
confirm-bug = ✓ Informe de error #{ $number } registrado: { $description }
confirm-learned = ✓ Aprendido ({ $domain }): { $rule }
confirm-use-forget = Para empezar una conversación nueva (dejaría de usar lo que hemos hablado hasta ahora), envía /forget.
confirm-use-purge = { $count ->
    [one] Para borrar lo único que sé de ti, envía /purge yes. No se borra nada hasta que lo hagas.
   *[other] Para borrar las { $count } cosas que sé de ti, envía /purge yes. No se borra nada hasta que lo hagas.
}
confirm-not-saved = ✗ No pude guardar eso ({ $error }).
confirm-not-on-your-word = ✗ No hecho: { $what }. Lo pidió algo que leí (la salida de una herramienta o una página web), y eso solo lo hago si me lo pides tú: pídemelo tú mismo.
size-bytes = { $n ->
    [one] { $n } byte
   *[other] { $n } bytes
}
size-kb = { $n } KB
size-mb = { $n } MB

## Cuando no se puede responder a un mensaje

busy = Recibido; es lo siguiente que hago.
done = Hecho.
abandoned = Omega se reinició más de una vez mientras respondía a este mensaje, así que dejé de reintentarlo. Envíalo de nuevo, por favor.
no-vision = No puedo ver imágenes con el modelo actual ({ $provider } tiene la visión desactivada). Descríbemela con palabras o cambia a un modelo que pueda ver ([provider.{ $provider }] vision = true).
history-failed = No pude cargar nuestra conversación (error de la base de datos). Inténtalo de nuevo, por favor.
internal-provider = Algo falló dentro de Omega al responder a esto (error interno del proveedor). Envíalo de nuevo, por favor.
internal-markers = Algo falló dentro de Omega al leer la respuesta (error interno). Envíalo de nuevo, por favor.
internal-session = Algo falló dentro de Omega al responder a esto (error interno). Envíalo de nuevo, por favor.
not-saved = No pude guardar tu mensaje (error de la base de datos), así que no puedo responderlo. Envíalo de nuevo, por favor.
provider-unavailable = Ahora mismo no puedo responder: { $why }.
provider-timeout = He tardado demasiado en responder ({ $why }). Inténtalo de nuevo, por favor.
provider-busy = El servicio de IA está saturado ({ $why }). Vuelve a intentarlo en un momento.
provider-failed = No he conseguido una respuesta: { $why }. Inténtalo de nuevo, por favor.
budget-sender-usd = Has llegado al presupuesto de hoy: ${ $spent } de ${ $cap } gastados. Se reinicia a medianoche ({ $tz }); el propietario puede subir [budget] daily_usd_per_sender.
budget-sender-tokens = Has llegado al presupuesto de tokens de hoy: { $spent } de { $cap } tokens usados. Se reinicia a medianoche ({ $tz }); el propietario puede subir [budget] daily_tokens_per_sender.
budget-total = { $name } ha llegado al presupuesto total de hoy (${ $usd }, { $tokens } tokens usados). Se reinicia a medianoche ({ $tz }).
budget-needs-usd = Este mensaje necesita unos ${ $needs }; hoy quedan ${ $left } de ${ $cap }. Se reinicia a medianoche ({ $tz }); el propietario puede subir [budget] daily_usd_per_sender.
budget-needs-tokens = Este mensaje necesita unos { $needs } tokens; hoy quedan { $left } de { $cap }. Se reinicia a medianoche ({ $tz }); el propietario puede subir [budget] daily_tokens_per_sender.
budget-total-needs = Este mensaje necesita unos { $needs } tokens, más de lo que queda hoy del presupuesto total de { $name } (${ $usd }, { $tokens } tokens usados). Se reinicia a medianoche ({ $tz }).
budget-unreadable = No puedo comprobar el presupuesto de hoy ({ $error }), así que no gastaré nada en este mensaje. Inténtalo más tarde, por favor.
media-download-failed = No pude descargar tu { $what } ({ $error }). Inténtalo de nuevo, por favor.
media-photo = foto
media-voice = mensaje de voz
media-save-failed = No pude guardar tu foto ({ $error }). Vuelve a enviármela, por favor.
voice-no-words = No he distinguido ninguna palabra en tu mensaje de voz.
voice-failed = No pude transcribir tu mensaje de voz: { $error }.
voice-off = Aquí no puedo escuchar mensajes de voz ([voice] enabled = false). Escríbemelo, por favor.
file-not-delivered = No pude enviarte { $name }: { $why }
action-gave-up = { $tries ->
    [one] No pude hacer "{ $description }" tras { $tries } intento ({ $why }). He dejado de intentarlo; vuelve a pedírmelo cuando pueda funcionar.
   *[other] No pude hacer "{ $description }" tras { $tries } intentos ({ $why }). He dejado de intentarlo; vuelve a pedírmelo cuando pueda funcionar.
}
local-note = (Estoy funcionando con un modelo local diminuto, SmolLM2-135M, así que espera respuestas toscas. Para tener un asistente de verdad, configura un proveedor en omega.toml — por ejemplo [provider] default = "anthropic" con ANTHROPIC_API_KEY definida — o apunta [provider.local] model_path a un modelo GGUF más grande, como uno de 7B.)
