# Omega's own words, in pt. Every message here exists in every language (a test checks).

## /help

help-intro = Sou o { $name }, o teu agente pessoal de IA. Escreve-me com naturalidade: faz perguntas, pensa em voz alta, pede-me que te lembre de coisas ou que faça algo mais tarde — lembro-me das nossas conversas.
help-commands = Comandos:
cmd-help = O que o Omega sabe fazer e como usá-lo
cmd-tasks = Os teus lembretes e tarefas agendadas
cmd-cancel = Cancelar uma tarefa ou um trabalho em segundo plano: /cancel ID
cmd-bg = Trabalhar em algo em segundo plano enquanto falamos: /bg TEXTO
cmd-jobs = Os teus trabalhos em segundo plano
cmd-memory = O que me lembro de ti
cmd-facts = Os factos que guardo sobre ti
cmd-history = As nossas conversas anteriores
cmd-forget = Começar uma conversa nova
cmd-language = Ver ou escolher a língua das minhas respostas
cmd-personality = Ver ou escolher como me comporto
cmd-projects = Os teus projetos
cmd-project = Ativar um projeto: /project NOME ou /project off
cmd-skills = Competências instaladas
cmd-heartbeat = A lista de verificações periódicas
cmd-learning = O que aprendi contigo
cmd-usage = O que gastaste hoje tu (e todos)
cmd-context = O que contém o meu próximo prompt e quantos tokens ocupa cada parte
cmd-status = Como está o Omega
cmd-purge = Apagar tudo o que sei sobre ti
cmd-link = Partilhar a tua memória com a tua conta noutro canal
cmd-unlink = Deixar de partilhar a memória com outro canal
cmd-approve = Deixar entrar alguém que recebeu um código de emparelhamento
cmd-whatsapp = Ligar o WhatsApp: o código QR para ler com o telemóvel

## Qualquer comando
# The "pt" plural rules put 0 in "one"; the [0] variants keep "0 mensagens" plural, as pt-PT says it.

cmd-failed = Não consegui fazer isso (erro da base de dados: { $error }).
in-project = {" "}no projeto { $project }
no-project-scope = sem projeto

## /status

status =
    O { $name } está a funcionar.
    IA: { $provider } ({ $model }); ferramentas: { $tools }.
    Tu{ $scope }: { $history ->
        [0] { $history } mensagens
        [one] { $history } mensagem
       *[other] { $history } mensagens
    } nesta conversa, { $facts ->
        [0] { $facts } factos
        [one] { $facts } facto
       *[other] { $facts } factos
    }, { $tasks ->
        [0] { $tasks } tarefas pendentes
        [one] { $tasks } tarefa pendente
       *[other] { $tasks } tarefas pendentes
    }. Fuso horário: { $tz }.
status-tools-on = ligadas
status-tools-provider = as do próprio fornecedor
status-tools-off = desligadas

## /memory, /facts, /history, /forget

memory =
    O que me lembro de ti{ $scope }:
    - { $facts ->
        [0] { $facts } factos
        [one] { $facts } facto
       *[other] { $facts } factos
    } (/facts)
    - { $summaries ->
        [0] { $summaries } conversas anteriores
        [one] { $summaries } conversa anterior
       *[other] { $summaries } conversas anteriores
    } (/history)
    - { $history ->
        [0] { $history } mensagens
        [one] { $history } mensagem
       *[other] { $history } mensagens
    } nesta conversa
    - { $lessons ->
        [0] { $lessons } lições
        [one] { $lessons } lição
       *[other] { $lessons } lições
    } (/learning)
    Só tu vês isto; as outras pessoas que falam comigo nunca veem a tua memória.
facts-none = Ainda não guardo nenhum facto sobre ti.
facts-list =
    O que sei sobre ti:
    { $facts }

    O /purge apaga-os.
history-current = { $count ->
    [0] Esta conversa{ $scope }: { $count } mensagens até agora.
    [one] Esta conversa{ $scope }: { $count } mensagem até agora.
   *[other] Esta conversa{ $scope }: { $count } mensagens até agora.
}
history-none = Não há conversas anteriores.
history-earlier = Conversas anteriores, da mais recente para a mais antiga:
history-no-summary = (sem resumo)
forget-done = Feito: começamos do zero. Não vou voltar ao que dissemos nessa conversa (os teus factos e tarefas ficam; o /purge apaga os factos).
forget-nothing = Não há nenhuma conversa para esquecer: já estamos a começar do zero.

## /tasks, /cancel

tasks-none = Não tens tarefas pendentes{ $scope }. Pede-me que te lembre de alguma coisa.{ $elsewhere }
tasks-list =
    As tuas tarefas{ $scope } ({ $tz }):
    { $tasks }

    /cancel ID cancela uma.{ $elsewhere }
task-action = {" "}(faço-o eu)
tasks-elsewhere = { $count ->
    [one] {"\u000A"}(Mais { $count } tarefa fora deste âmbito: { $scopes }; muda com /project.)
   *[other] {"\u000A"}(Mais { $count } tarefas fora deste âmbito: { $scopes }; muda com /project.)
}
cancel-usage = Uso: /cancel ID (o id que o /tasks mostra, ou o número de um trabalho em segundo plano do /jobs).
cancel-no-scheduler = Agora não consigo cancelar tarefas: o agendador não está a funcionar.
cancel-done = Cancelada: { $description } [{ $id }]
cancel-not-found = Nenhuma tarefa pendente tem o id { $id } (o /tasks mostra-as).
cancel-ambiguous = { $id } corresponde a { $count } tarefas; usa mais caracteres do id (o /tasks mostra-as).

## /language, /personality

language-fixed = Respondo-te em { $language }. Com /language auto sigo a língua das tuas mensagens.
language-auto = Respondo-te na língua em que me escreves. /language NOME fixa uma.
language-cleared = OK: vou responder-te na língua em que me escreveres.
language-set = OK: vou responder-te em { $language }.
personality-current = O meu estilo contigo: { $style }. /personality reset volta ao predefinido.
personality-default = Estilo predefinido. /personality DESCRIÇÃO muda-o (p. ex. "breve e formal").
personality-cleared = OK: de volta ao meu estilo predefinido.
personality-set = OK: a partir de agora — { $style }.

## /skills, /projects, /project

skills-none = Não há competências instaladas. Uma competência é uma pasta com um SKILL.md dentro de { $dir }.
skills-list =
    Competências:
    { $skills }
skill-triggers = {" "}(ativada por: { $triggers })
skill-unavailable = - { $skill } — indisponível: { $why } ({ $description })
skill-broken = - { $skill } — com erros: { $path }, linha { $line }: { $problem }
projects-none = Ainda não há projetos. Um projeto é uma pasta dentro de { $dir }.
projects-list =
    Projetos:
    { $projects }

    /project NOME ativa um; /project off, nenhum.
project-active-mark = {" "}(ativo)
project-active = Projeto ativo: { $project }. /project off desativa-o.
project-none-active = Não há nenhum projeto ativo. O /projects mostra-os.
project-off = OK: já não há nenhum projeto ativo.
project-on = OK: o projeto { $project } está ativo.
project-unknown = Não há nenhum projeto chamado { $project } (o /projects mostra-os).

## /purge

purge-ask = { $count ->
    [0] Isto apaga os { $count } factos que guardo sobre ti (a língua e o estilo que escolheste ficam). Envia /purge yes para confirmar.
    [one] Isto apaga o único facto que guardo sobre ti (a língua e o estilo que escolheste ficam). Envia /purge yes para confirmar.
   *[other] Isto apaga os { $count } factos que guardo sobre ti (a língua e o estilo que escolheste ficam). Envia /purge yes para confirmar.
}
purge-done = { $count ->
    [0] Apaguei { $count } factos. Já não sei essas coisas sobre ti.
    [one] Apaguei { $count } facto. Já não sei isso sobre ti.
   *[other] Apaguei { $count } factos. Já não sei essas coisas sobre ti.
}

## /heartbeat, /learning

heartbeat-empty = A lista de verificações periódicas está vazia. Pede-me para acrescentar alguma coisa.
heartbeat-list =
    Lista de verificações periódicas:
    { $items }
heartbeat-interval = { $minutes ->
    [one] Intervalo: a cada minuto.
   *[other] Intervalo: a cada { $minutes } minutos.
}
heartbeat-skipped = Secções ignoradas: { $sections }.
learning-none = Ainda não aprendi nada de específico contigo{ $scope }.
learning-rules = Regras que sigo contigo{ $scope }:
learning-outcomes = Resultados: { $good } correram bem e { $bad } correram mal, de { $total }.

## /link, /unlink, /approve

link-code = Para partilhares a tua memória com a tua conta noutro canal, envia /link { $code } a partir de lá nos próximos 10 minutos. Faz isto só com contas que sejam tuas.
link-done = Ligada: esta conta partilha agora a memória (factos, lições, estilo) com { $account }. O /unlink desfaz isto.
link-no-code = Não há nenhum código de ligação { $code } à espera (os códigos expiram ao fim de 10 minutos; o /link cria um novo).
link-same = Esse código foi criado nesta mesma conta.
unlink-done = Desligada: esta conta volta a ter a sua própria memória.
unlink-none = Esta conta não está ligada a nenhuma outra.
approve-usage = Uso: /approve CÓDIGO (o código que a pessoa recebeu).
approve-owner-only = Só o dono pode aprovar códigos de emparelhamento.
approve-welcome = Já tens acesso — diz olá!
approve-done = Feito: { $who } já tem acesso em { $channel } e pode falar comigo.
approve-unknown = Nenhum pedido pendente tem o código { $code } (os códigos expiram ao fim de 10 minutos).
pairing-offer = Olá! Só falo com pessoas que o meu dono aprovou. O teu código de emparelhamento é { $code } (válido durante { $minutes } minutos): pede ao dono que me envie /approve { $code } ou que execute `omega pair { $code }`.

## /usage

usage =
    Hoje ({ $tz }):
    Tu: ${ $mine_usd }{ $usd_cap } e { $mine_tokens } tokens{ $token_cap } em { $calls ->
        [0] { $calls } mensagens
        [one] { $calls } mensagem
       *[other] { $calls } mensagens
    }.
    Todos: ${ $all_usd }{ $all_usd_cap } e { $all_tokens } tokens{ $all_token_cap }.{ $cache }
usage-usd-cap = {" "}de ${ $cap }
usage-token-cap = {" "}de { $cap }
usage-cache = {"\u000A"}Cache de prompts: { $percent }% dos tokens de prompt de hoje foram lidos da cache ({ $read } de { $total }), uma poupança de cerca de ${ $saved }.
usage-estimated = {"\u000A"}≈ { $calls } das chamadas de hoje são contadas por estimativa (cerca de quatro caracteres por token): o fornecedor não indicou o consumo.

## /context

context-failed = Não consegui montar o prompt (erro da base de dados: { $error }).
context =
    O prompt da tua próxima mensagem{ $scope }, cerca de { $total } tokens dos { $allowed } permitidos:
    - quem sou, o que sei fazer, as regras e a lista de competências: ~{ $stable } tokens (em cache para todos)
    - o que sei sobre ti (perfil, definições, projeto, lições, resultados): ~{ $person } tokens (em cache para ti)
    - este turno (resumos, memórias, tarefas, a hora{ $compacted }): ~{ $turn } tokens
    - esta conversa: { $messages ->
        [0] { $messages } mensagens
        [one] { $messages } mensagem
       *[other] { $messages } mensagens
    }, ~{ $history } tokens{ $older }{ $tools }
context-compacted = , e o resumo da parte mais antiga desta conversa
context-older = {" "}(a parte mais antiga está no resumo; o /history tem tudo)
context-tools = {"\u000A"}- ferramentas: { $count }, ~{ $tokens } tokens

## /whatsapp

whatsapp-owner-only = Só o dono pode ligar o WhatsApp.
whatsapp-not-running = O WhatsApp Web não está a funcionar aqui. Funciona no serviço (`omega start`) com [channel.whatsapp] enabled = true e mode = "web"; ou então, com o Omega parado, emparelha a partir de um terminal com `omega whatsapp pair`.
whatsapp-restarting = A ligação ao WhatsApp está a reiniciar; tenta outra vez daqui a pouco.
whatsapp-forgetting = O WhatsApp acabou de terminar a minha sessão e ainda estou a apagar as chaves antigas; envia /whatsapp outra vez daqui a pouco.
whatsapp-already = O WhatsApp já está ligado. Para ligar outro número, remove primeiro o Omega em Dispositivos ligados, no telemóvel.
whatsapp-under-way = O emparelhamento já está em curso; o próximo código QR chega aqui.
whatsapp-connecting = A ligar ao WhatsApp… a seguir vem um código QR para leres.
whatsapp-no-answer = O WhatsApp não respondeu em { $secs } s; verifica se esta máquina chega a web.whatsapp.com e envia /whatsapp outra vez.
whatsapp-cannot-start = O WhatsApp não conseguiu arrancar: { $error }
whatsapp-scan = Lê isto com o WhatsApp no telemóvel: Definições › Dispositivos ligados › Ligar um dispositivo. Muda daqui a { $secs } s.
whatsapp-no-photo = (Aqui não há maneira de enviar uma foto: executa antes `omega whatsapp pair` num terminal.)
whatsapp-pair-code = No telemóvel: WhatsApp › Dispositivos ligados › Ligar um dispositivo › Ligar com número de telefone, e escreve { $code } (válido { $secs } s).
whatsapp-linked = O WhatsApp está ligado (+{ $number }).
whatsapp-allow-hint = {" "}Para falares comigo a partir desse telemóvel (na conversa contigo próprio), acrescenta { $number } a [channel.whatsapp] allowed_users.
whatsapp-logged-out = O WhatsApp terminou a minha sessão ({ $why }): já não recebo nem envio mensagens do WhatsApp. Envia /whatsapp para me ligares outra vez.
whatsapp-paired = O telemóvel ligou-me; a terminar a configuração com o WhatsApp…
whatsapp-stopped = O WhatsApp parou: { $why }.{ $next }
whatsapp-retry = { $minutes ->
    [one] {" "}Vou tentar outra vez daqui a { $minutes } minuto.
   *[other] {" "}Vou tentar outra vez daqui a { $minutes } minutos.
}
whatsapp-link-failed = Não foi possível ligar o WhatsApp: { $error }. Envia /whatsapp para tentar outra vez.
whatsapp-qr-expired = Os códigos QR expiraram antes de o telemóvel me ligar. Envia /whatsapp para receberes novos.
whatsapp-stalled = { $minutes ->
    [one] O WhatsApp não dá sinal de vida há { $minutes } minuto: { $advice }; aviso-te quando voltar.
   *[other] O WhatsApp não dá sinal de vida há { $minutes } minutos: { $advice }; aviso-te quando voltar.
}
whatsapp-recovered = O WhatsApp voltou a funcionar.

## Trabalhos em segundo plano

job-stopped = O trabalho em segundo plano #{ $number } ({ $title }) foi parado: { $why }.
job-done =
    O trabalho em segundo plano #{ $number } terminou ({ $title }):

    { $text }
job-failed = O trabalho em segundo plano #{ $number } ({ $title }) falhou: { $text }
job-cancelled-by-you = cancelaste-o tu
job-cancelled-before-start = cancelaste-o antes de começar
job-timed-out = { $minutes ->
    [one] durou mais de { $minutes } minuto
   *[other] durou mais de { $minutes } minutos
}
bg-usage = Uso: /bg TEXTO — trabalho em TEXTO em segundo plano e envio-te o resultado quando estiver pronto (o /jobs mostra os teus trabalhos).
jobs-none = Não tens trabalhos em segundo plano. /bg TEXTO inicia um (ou pede-me para investigar algo em segundo plano).
jobs-live =
    Os teus trabalhos em segundo plano:
    { $jobs }

    /cancel ID para um.
jobs-finished =
    Terminados no último dia:
    { $jobs }
job-running = #{ $number } a correr há { $duration } — { $title }
job-waiting = #{ $number } à espera de vaga — { $title }
job-finished-ok = #{ $number } concluído — { $title }
job-finished-not = #{ $number } falhou ou foi parado — { $title }
job-about-to-start = #{ $number } prestes a começar — { $title }
job-stopping = A parar o trabalho em segundo plano #{ $number }; aviso-te quando tiver parado.
job-dropped = O trabalho em segundo plano #{ $number } foi cancelado; ainda não tinha começado.
job-starting = O trabalho em segundo plano #{ $number } está prestes a começar; tenta outra vez daqui a pouco.
job-already-finished = O trabalho em segundo plano #{ $number } já terminou.
duration-secs = { $secs } s
duration-mins = { $mins } min
duration-hours = { $hours } h { $mins } min

## Confirmações do que uma resposta fez

confirm-reminder-set = ✓ Lembrete criado: { $description } — { $when }{ $every } [{ $id }]
confirm-task-set = ✓ Tarefa criada: { $description } — { $when }{ $every } [{ $id }]
confirm-every = , { $every }
confirm-reminder-already = Esse lembrete já existe [{ $id }].
confirm-task-already = Essa tarefa já existe [{ $id }].
confirm-reminder-failed = ✗ Não consegui criar o lembrete "{ $description }": { $why }.
confirm-task-failed = ✗ Não consegui criar a tarefa "{ $description }": { $why }.
confirm-updated = ✓ Atualizada: { $description } — { $when }{ $every } [{ $id }]
confirm-update-failed = ✗ Não consegui alterar a tarefa { $id }: { $why }.
confirm-cancelled = ✓ Cancelada: { $description } [{ $id }]
confirm-no-task = ✗ Nenhuma tarefa pendente tem o id { $id }.
confirm-ambiguous = ✗ { $id } corresponde a várias tarefas ({ $ids }); usa mais caracteres do id.
confirm-checklist-added = ✓ Acrescentado à tua lista de verificações periódicas: { $item }
confirm-checklist-has = "{ $item }" já está na tua lista de verificações periódicas.
confirm-checklist-removed = ✓ Retirado da tua lista de verificações periódicas: { $items }
confirm-checklist-missing = ✗ Nenhum item da lista de verificações periódicas corresponde a "{ $item }".
confirm-no-checklist = ✗ Ainda não há lista de verificações periódicas.
confirm-checklist-failed = ✗ Não consegui atualizar a lista de verificações periódicas ({ $error }).
confirm-heartbeat-every = { $minutes ->
    [one] ✓ Verificações periódicas a cada minuto.
   *[other] ✓ Verificações periódicas a cada { $minutes } minutos.
}
confirm-section-skipped = ✓ As verificações periódicas vão ignorar "{ $section }".
confirm-section-checked = ✓ As verificações periódicas vão voltar a verificar "{ $section }".
confirm-project-active = ✓ O projeto { $project } está ativo.
confirm-no-such-project = ✗ Não há nenhum projeto chamado { $project } (ainda não há nenhum).
confirm-no-such-project-known = ✗ Não há nenhum projeto chamado { $project } (projetos: { $known }).
confirm-no-project = ✓ Nenhum projeto ativo.
confirm-skill-improved = ✓ Escrito na competência { $skill }, em Lessons Learned: { $lesson }
confirm-skill-known = ✓ A competência { $skill } já tem essa lição.
confirm-no-such-skill = ✗ Não há nenhuma competência chamada { $skill } (ainda não há nenhuma).
confirm-no-such-skill-known = ✗ Não há nenhuma competência chamada { $skill } (competências: { $known }).
confirm-skill-installed = ✓ Competência { $skill } instalada.
confirm-skill-installed-triggers = ✓ Competência { $skill } instalada; é ativada por: { $triggers }.
confirm-skill-updated = ✓ Competência { $skill } atualizada (a versão anterior fica guardada como SKILL.md.bak).
confirm-skill-updated-triggers = ✓ Competência { $skill } atualizada (a versão anterior fica guardada como SKILL.md.bak); é ativada por: { $triggers }.
confirm-skill-unchanged = ✗ A competência { $skill } não foi alterada: { $why }
confirm-file = 📎 { $name } ({ $size })
confirm-file-not-sent = ✗ { $path } não foi enviado: { $why }
confirm-job-started = ✓ Trabalho em segundo plano #{ $number } iniciado: envio-te o resultado quando estiver pronto. O /jobs mostra-o, /cancel { $number } para-o.
confirm-job-queued = ✓ O trabalho em segundo plano #{ $number } está na fila e começa quando houver vaga; envio-te o resultado quando estiver pronto. O /jobs mostra-o, /cancel { $number } para-o.
confirm-job-already = ✓ O trabalho em segundo plano #{ $number } já está em curso.
confirm-job-not-started = ✗ Não foi iniciado nenhum trabalho em segundo plano: { $why }
confirm-bug = ✓ Relatório de erro #{ $number } registado: { $description }
confirm-learned = ✓ Aprendido ({ $domain }): { $rule }
confirm-use-forget = Para começar uma conversa nova (deixaria de usar o que dissemos até agora), envia /forget.
confirm-use-purge = { $count ->
    [0] Para apagar as { $count } coisas que sei sobre ti, envia /purge yes. Nada é apagado até o fazeres.
    [one] Para apagar a única coisa que sei sobre ti, envia /purge yes. Nada é apagado até o fazeres.
   *[other] Para apagar as { $count } coisas que sei sobre ti, envia /purge yes. Nada é apagado até o fazeres.
}
confirm-not-saved = ✗ Não consegui guardar isso ({ $error }).
confirm-not-on-your-word = ✗ Não feito: { $what }. Foi pedido por algo que li (a saída de uma ferramenta ou uma página web), e isso só faço a teu pedido: pede-mo tu mesmo.
size-bytes = { $n ->
    [0] { $n } bytes
    [one] { $n } byte
   *[other] { $n } bytes
}
size-kb = { $n } KB
size-mb = { $n } MB

## Quando não se pode responder a uma mensagem

busy = Recebido; é a próxima coisa que faço.
done = Feito.
abandoned = O Omega reiniciou mais de uma vez enquanto respondia a esta mensagem, por isso deixei de tentar. Envia-a outra vez, por favor.
no-vision = Não consigo ver imagens com o modelo atual ({ $provider } tem a visão desligada). Descreve-a por palavras, ou muda para um modelo que consiga ver ([provider.{ $provider }] vision = true).
history-failed = Não consegui carregar a nossa conversa (erro da base de dados). Tenta outra vez, por favor.
internal-provider = Algo correu mal dentro do Omega ao responder a isto (erro interno no fornecedor). Envia outra vez, por favor.
internal-markers = Algo correu mal dentro do Omega ao ler a resposta (erro interno). Envia outra vez, por favor.
internal-session = Algo correu mal dentro do Omega ao responder a isto (erro interno). Envia outra vez, por favor.
not-saved = Não consegui guardar a tua mensagem (erro da base de dados), por isso não lhe consigo responder. Envia-a outra vez, por favor.
provider-unavailable = Agora não consigo responder: { $why }.
provider-timeout = Demorei demasiado a responder ({ $why }). Tenta outra vez, por favor.
provider-busy = O serviço de IA está sobrecarregado ({ $why }). Tenta outra vez daqui a pouco.
provider-failed = Não consegui obter uma resposta: { $why }. Tenta outra vez, por favor.
budget-sender-usd = Chegaste ao orçamento de hoje: ${ $spent } de ${ $cap } gastos. Volta a zero à meia-noite ({ $tz }); o dono pode aumentar [budget] daily_usd_per_sender.
budget-sender-tokens = Chegaste ao orçamento de tokens de hoje: { $spent } de { $cap } tokens usados. Volta a zero à meia-noite ({ $tz }); o dono pode aumentar [budget] daily_tokens_per_sender.
budget-total = O { $name } chegou ao orçamento total de hoje (${ $usd }, { $tokens } tokens usados). Volta a zero à meia-noite ({ $tz }).
budget-needs-usd = Esta mensagem precisa de cerca de ${ $needs }; hoje restam ${ $left } de ${ $cap }. Volta a zero à meia-noite ({ $tz }); o dono pode aumentar [budget] daily_usd_per_sender.
budget-needs-tokens = Esta mensagem precisa de cerca de { $needs } tokens; hoje restam { $left } de { $cap }. Volta a zero à meia-noite ({ $tz }); o dono pode aumentar [budget] daily_tokens_per_sender.
budget-total-needs = Esta mensagem precisa de cerca de { $needs } tokens, mais do que resta hoje do orçamento total do { $name } (${ $usd }, { $tokens } tokens usados). Volta a zero à meia-noite ({ $tz }).
budget-unreadable = Não consigo verificar o orçamento de hoje ({ $error }), por isso não gasto nada com esta mensagem. Tenta mais tarde, por favor.
media-download-failed = Não consegui descarregar a tua { $what } ({ $error }). Envia-a outra vez, por favor.
media-photo = foto
media-voice = mensagem de voz
media-save-failed = Não consegui guardar a tua foto ({ $error }). Envia-a outra vez, por favor.
voice-no-words = Não consegui perceber nenhuma palavra na tua mensagem de voz.
voice-failed = Não consegui transcrever a tua mensagem de voz: { $error }.
voice-off = Aqui não consigo ouvir mensagens de voz ([voice] enabled = false). Escreve-a, por favor.
file-not-delivered = Não consegui enviar-te { $name }: { $why }
action-gave-up = { $tries ->
    [one] Não consegui fazer "{ $description }" depois de { $tries } tentativa ({ $why }). Deixei de tentar; pede-me outra vez quando puder funcionar.
   *[other] Não consegui fazer "{ $description }" depois de { $tries } tentativas ({ $why }). Deixei de tentar; pede-me outra vez quando puder funcionar.
}
local-note = (Estou a funcionar com um modelo local minúsculo, o SmolLM2-135M, por isso conta com respostas fracas. Para teres um assistente a sério, configura um fornecedor em omega.toml — por exemplo [provider] default = "anthropic" com ANTHROPIC_API_KEY definida — ou aponta [provider.local] model_path para um modelo GGUF maior, como um de 7B.)
