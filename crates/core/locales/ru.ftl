# Omega's own words, in ru. Every message here exists in every language (a test checks).

## /help

help-intro = Я { $name }, твой личный ИИ-агент. Просто пиши мне обычным языком: задавай вопросы, рассуждай вслух, проси напомнить о чём-то или сделать что-то позже — я помню наши разговоры.
help-commands = Команды:
cmd-help = Что умеет Omega и как им пользоваться
cmd-tasks = Твои напоминания и запланированные задачи
cmd-cancel = Отменить задачу или фоновую работу: /cancel ID
cmd-bg = Работать над чем-то в фоне, пока мы говорим: /bg ТЕКСТ
cmd-jobs = Твои фоновые работы
cmd-memory = Что я помню о тебе
cmd-facts = Факты, которые я храню о тебе
cmd-history = Наши прошлые разговоры
cmd-forget = Начать новый разговор
cmd-language = Показать или выбрать язык моих ответов
cmd-personality = Показать или выбрать, как я себя веду
cmd-projects = Твои проекты
cmd-project = Включить проект: /project ИМЯ или /project off
cmd-skills = Установленные навыки
cmd-heartbeat = Список периодических проверок
cmd-learning = Чему я научился с тобой
cmd-usage = Сколько ты (и все) потратили сегодня
cmd-context = Что содержит мой следующий промпт и сколько токенов занимает каждая часть
cmd-status = Как дела у Omega
cmd-purge = Удалить всё, что я о тебе знаю
cmd-link = Поделиться памятью со своим аккаунтом в другом канале
cmd-unlink = Перестать делиться памятью с другим каналом
cmd-approve = Впустить того, кто получил код сопряжения
cmd-whatsapp = Подключить WhatsApp: QR-код для сканирования телефоном

## Любая команда

cmd-failed = Не получилось (ошибка базы данных: { $error }).
in-project = {" "}в проекте { $project }
no-project-scope = без проекта

## /status

status =
    { $name } работает.
    ИИ: { $provider } ({ $model }); инструменты: { $tools }.
    У тебя{ $scope }: { $history ->
        [one] { $history } сообщение
        [few] { $history } сообщения
        [many] { $history } сообщений
       *[other] { $history } сообщения
    } в этом разговоре, { $facts ->
        [one] { $facts } факт
        [few] { $facts } факта
        [many] { $facts } фактов
       *[other] { $facts } факта
    }, { $tasks ->
        [one] { $tasks } запланированная задача
        [few] { $tasks } запланированные задачи
        [many] { $tasks } запланированных задач
       *[other] { $tasks } запланированной задачи
    }. Часовой пояс: { $tz }.
status-tools-on = включены
status-tools-provider = у провайдера свои
status-tools-off = выключены

## /memory, /facts, /history, /forget

memory =
    Что я помню о тебе{ $scope }:
    - { $facts ->
        [one] { $facts } факт
        [few] { $facts } факта
        [many] { $facts } фактов
       *[other] { $facts } факта
    } (/facts)
    - { $summaries ->
        [one] { $summaries } прошлый разговор
        [few] { $summaries } прошлых разговора
        [many] { $summaries } прошлых разговоров
       *[other] { $summaries } прошлого разговора
    } (/history)
    - { $history ->
        [one] { $history } сообщение
        [few] { $history } сообщения
        [many] { $history } сообщений
       *[other] { $history } сообщения
    } в этом разговоре
    - { $lessons ->
        [one] { $lessons } урок
        [few] { $lessons } урока
        [many] { $lessons } уроков
       *[other] { $lessons } урока
    } (/learning)
    Это видишь только ты; другие люди, которые со мной общаются, твою память никогда не видят.
facts-none = Я пока не храню никаких фактов о тебе.
facts-list =
    Что я о тебе знаю:
    { $facts }

    /purge их удалит.
history-current = Этот разговор{ $scope }: пока { $count ->
        [one] { $count } сообщение
        [few] { $count } сообщения
        [many] { $count } сообщений
       *[other] { $count } сообщения
    }.
history-none = Прошлых разговоров нет.
history-earlier = Прошлые разговоры, сначала новые:
history-no-summary = (без сводки)
forget-done = Готово: начинаем с чистого листа. Я не буду вспоминать, о чём мы говорили в том разговоре (факты и задачи остаются; /purge удаляет факты).
forget-nothing = Забывать нечего: мы и так начинаем с чистого листа.

## /tasks, /cancel

tasks-none = У тебя{ $scope } нет запланированных задач. Попроси меня о чём-нибудь напомнить.{ $elsewhere }
tasks-list =
    Твои задачи{ $scope } ({ $tz }):
    { $tasks }

    /cancel ID — отменить задачу.{ $elsewhere }
task-action = {" "}(выполню сам)
tasks-elsewhere = { $count ->
    [one] {"\u000A"}(Ещё { $count } задача — вне этой области: { $scopes }; переключиться можно через /project.)
    [few] {"\u000A"}(Ещё { $count } задачи — вне этой области: { $scopes }; переключиться можно через /project.)
    [many] {"\u000A"}(Ещё { $count } задач — вне этой области: { $scopes }; переключиться можно через /project.)
   *[other] {"\u000A"}(Ещё { $count } задачи — вне этой области: { $scopes }; переключиться можно через /project.)
}
cancel-usage = Как пользоваться: /cancel ID (id, который показывает /tasks, или номер фоновой работы из /jobs).
cancel-no-scheduler = Сейчас не могу отменять задачи: планировщик не запущен.
cancel-done = Отменено: { $description } [{ $id }]
cancel-not-found = Нет запланированной задачи с id { $id } (список — /tasks).
cancel-ambiguous = { $id } подходит сразу к { $count ->
        [one] { $count } задаче
        [few] { $count } задачам
        [many] { $count } задачам
       *[other] { $count } задачам
    }; укажи id подлиннее (список — /tasks).

## /language, /personality

language-fixed = Я отвечаю тебе на языке: { $language }. С /language auto я буду подстраиваться под язык твоих сообщений.
language-auto = Я отвечаю на том языке, на котором ты пишешь. /language ЯЗЫК закрепит один язык.
language-cleared = Хорошо: буду отвечать на том языке, на котором ты пишешь.
language-set = Хорошо: буду отвечать тебе на языке: { $language }.
personality-current = Мой стиль общения с тобой: { $style }. /personality reset вернёт стиль по умолчанию.
personality-default = Стиль по умолчанию. /personality ОПИСАНИЕ меняет его (например, «кратко и официально»).
personality-cleared = Хорошо: возвращаюсь к своему обычному стилю.
personality-set = Хорошо, отныне так: { $style }.

## /skills, /projects, /project

skills-none = Навыков не установлено. Навык — это папка с файлом SKILL.md в { $dir }.
skills-list =
    Навыки:
    { $skills }
skill-triggers = {" "}(срабатывает на: { $triggers })
skill-unavailable = - { $skill } — недоступен: { $why } ({ $description })
skill-broken = - { $skill } — сломан: { $path }, строка { $line }: { $problem }
projects-none = Проектов пока нет. Проект — это папка в { $dir }.
projects-list =
    Проекты:
    { $projects }

    /project ИМЯ — включить проект, /project off — выключить.
project-active-mark = {" "}(активен)
project-active = Активный проект: { $project }. /project off его выключит.
project-none-active = Активного проекта нет. Список — /projects.
project-off = Хорошо: активного проекта нет.
project-on = Хорошо: проект { $project } активен.
project-unknown = Проекта с именем { $project } нет (список — /projects).

## /purge

purge-ask = Это удалит то, что я храню о тебе: { $count ->
        [one] { $count } факт
        [few] { $count } факта
        [many] { $count } фактов
       *[other] { $count } факта
    } (настройки языка и стиля останутся). Отправь /purge yes, чтобы подтвердить.
purge-done = { $count ->
        [one] Удалён { $count } факт
        [few] Удалено { $count } факта
        [many] Удалено { $count } фактов
       *[other] Удалено { $count } факта
    }. Больше я этого о тебе не знаю.

## /heartbeat, /learning

heartbeat-empty = Список периодических проверок пуст. Попроси меня что-нибудь в него добавить.
heartbeat-list =
    Список периодических проверок:
    { $items }
heartbeat-interval = Интервал: раз в { $minutes ->
        [one] { $minutes } минуту
        [few] { $minutes } минуты
        [many] { $minutes } минут
       *[other] { $minutes } минуты
    }.
heartbeat-skipped = Пропускаемые разделы: { $sections }.
learning-none = Чему-то конкретному с тобой{ $scope } я пока не научился.
learning-rules = Правила, которым я следую с тобой{ $scope }:
learning-outcomes = Итоги: из { $total } удачно — { $good }, неудачно — { $bad }.

## /link, /unlink, /approve

link-code = Чтобы поделиться памятью со своим аккаунтом в другом канале, отправь оттуда /link { $code } в течение 10 минут. Делай это только для своих собственных аккаунтов.
link-done = Связано: теперь у этого аккаунта общая память (факты, уроки, стиль) с { $account }. /unlink отменит связь.
link-no-code = Код связки { $code } не найден (коды действуют 10 минут; /link создаст новый).
link-same = Этот код создан в этом же аккаунте.
unlink-done = Связь снята: у этого аккаунта снова своя память.
unlink-none = Этот аккаунт не связан с другим.
approve-usage = Как пользоваться: /approve КОД (код, который получил человек).
approve-owner-only = Одобрять коды сопряжения может только владелец.
approve-welcome = Тебя одобрили — поздоровайся!
approve-done = Одобрено: { $who } ({ $channel }) теперь может со мной общаться.
approve-unknown = Нет запроса с кодом { $code } (коды действуют 10 минут).
pairing-offer = Привет! Я общаюсь только с теми, кого одобрил мой владелец. Твой код сопряжения — { $code } (действует { $minutes ->
        [one] { $minutes } минуту
        [few] { $minutes } минуты
        [many] { $minutes } минут
       *[other] { $minutes } минуты
    }): попроси владельца отправить мне /approve { $code } или выполнить `omega pair { $code }`.

## /usage

usage =
    Сегодня ({ $tz }):
    Ты: ${ $mine_usd }{ $usd_cap }, токенов: { $mine_tokens }{ $token_cap }, сообщений: { $calls }.
    Все: ${ $all_usd }{ $all_usd_cap }, токенов: { $all_tokens }{ $all_token_cap }.{ $cache }
usage-usd-cap = {" "}из ${ $cap }
usage-token-cap = {" "}из { $cap }
usage-cache = {"\u000A"}Кэш промптов: { $percent }% сегодняшних токенов промптов взято из кэша ({ $read } из { $total }), экономия — около ${ $saved }.
usage-estimated = {"\u000A"}≈ { $calls } сегодняшних вызовов посчитаны по оценке (примерно четыре символа на токен): провайдер не сообщил расход.

## /context

context-failed = Не получилось собрать промпт (ошибка базы данных: { $error }).
context =
    Промпт твоего следующего сообщения{ $scope }: около { $total } из { $allowed ->
        [one] { $allowed } допустимого токена
        [few] { $allowed } допустимых токенов
        [many] { $allowed } допустимых токенов
       *[other] { $allowed } допустимого токена
    }:
    - кто я, что умею, правила и список навыков: ~{ $stable ->
        [one] { $stable } токен
        [few] { $stable } токена
        [many] { $stable } токенов
       *[other] { $stable } токена
    } (в кэше для всех)
    - что я знаю о тебе (профиль, настройки, проект, уроки, итоги): ~{ $person ->
        [one] { $person } токен
        [few] { $person } токена
        [many] { $person } токенов
       *[other] { $person } токена
    } (в кэше для тебя)
    - для этого сообщения (сводки, вспомненное, задачи, время{ $compacted }): ~{ $turn ->
        [one] { $turn } токен
        [few] { $turn } токена
        [many] { $turn } токенов
       *[other] { $turn } токена
    }
    - этот разговор: { $messages ->
        [one] { $messages } сообщение
        [few] { $messages } сообщения
        [many] { $messages } сообщений
       *[other] { $messages } сообщения
    }, ~{ $history ->
        [one] { $history } токен
        [few] { $history } токена
        [many] { $history } токенов
       *[other] { $history } токена
    }{ $older }{ $tools }
context-compacted = , а также сводка ранней части этого разговора
context-older = {" "}(его ранняя часть — в сводке; целиком он есть в /history)
context-tools = {"\u000A"}- инструменты (всего { $count }): ~{ $tokens ->
        [one] { $tokens } токен
        [few] { $tokens } токена
        [many] { $tokens } токенов
       *[other] { $tokens } токена
    }

## /whatsapp

whatsapp-owner-only = Привязать WhatsApp может только владелец.
whatsapp-not-running = WhatsApp Web здесь не запущен. Он работает в демоне (`omega start`) с [channel.whatsapp] enabled = true и mode = "web"; или останови Omega и выполни сопряжение из терминала: `omega whatsapp pair`.
whatsapp-restarting = Соединение с WhatsApp перезапускается; попробуй ещё раз чуть позже.
whatsapp-forgetting = WhatsApp только что завершил мой сеанс, и я ещё удаляю старые ключи; отправь /whatsapp ещё раз чуть позже.
whatsapp-already = WhatsApp уже привязан. Чтобы привязать другой номер, сначала удали Omega в разделе «Связанные устройства» на телефоне.
whatsapp-under-way = Сопряжение уже идёт; следующий QR-код придёт сюда.
whatsapp-connecting = Подключаюсь к WhatsApp… следом придёт QR-код для сканирования.
whatsapp-no-answer = WhatsApp не ответил за { $secs } сек; проверь, что с этой машины доступен web.whatsapp.com, и отправь /whatsapp ещё раз.
whatsapp-cannot-start = Не удалось запустить WhatsApp: { $error }
whatsapp-scan = Отсканируй это в WhatsApp на телефоне: Настройки › Связанные устройства › Привязка устройства. Код сменится через { $secs } сек.
whatsapp-no-photo = (Отсюда фото не отправить: вместо этого выполни `omega whatsapp pair` в терминале.)
whatsapp-pair-code = На телефоне: WhatsApp › Связанные устройства › Привязка устройства › Привязать по номеру телефона — и введи { $code } (действует { $secs } сек).
whatsapp-linked = WhatsApp привязан (+{ $number }).
whatsapp-allow-hint = {" "}Чтобы писать мне с этого телефона («Написать себе»), добавь { $number } в [channel.whatsapp] allowed_users.
whatsapp-logged-out = WhatsApp завершил мой сеанс ({ $why }): я больше не получаю и не отправляю сообщения в WhatsApp. Отправь /whatsapp, чтобы привязать меня снова.
whatsapp-paired = Телефон меня привязал; завершаю настройку с WhatsApp…
whatsapp-stopped = WhatsApp остановлен: { $why }.{ $next }
whatsapp-retry = {" "}Попробую снова через { $minutes ->
        [one] { $minutes } минуту
        [few] { $minutes } минуты
        [many] { $minutes } минут
       *[other] { $minutes } минуты
    }.
whatsapp-link-failed = Не удалось привязать WhatsApp: { $error }. Отправь /whatsapp, чтобы попробовать ещё раз.
whatsapp-qr-expired = QR-коды истекли раньше, чем телефон меня привязал. Отправь /whatsapp, чтобы получить новые.
whatsapp-stalled = WhatsApp не подаёт признаков жизни уже { $minutes ->
        [one] { $minutes } минуту
        [few] { $minutes } минуты
        [many] { $minutes } минут
       *[other] { $minutes } минуты
    }: { $advice }; я сообщу, когда он вернётся.
whatsapp-recovered = WhatsApp снова работает.

## Фоновые работы

job-stopped = Фоновая работа #{ $number } ({ $title }) остановлена: { $why }.
job-done =
    Фоновая работа #{ $number } готова ({ $title }):

    { $text }
job-failed = Фоновая работа #{ $number } ({ $title }) завершилась ошибкой: { $text }
job-cancelled-by-you = отменена тобой
job-cancelled-before-start = отменена тобой ещё до запуска
job-timed-out = выполнялась дольше { $minutes ->
        [one] { $minutes } минуты
        [few] { $minutes } минут
        [many] { $minutes } минут
       *[other] { $minutes } минуты
    }
bg-usage = Как пользоваться: /bg ТЕКСТ — я займусь ТЕКСТОМ в фоне и пришлю результат, когда закончу (список работ — /jobs).
jobs-none = У тебя нет фоновых работ. /bg ТЕКСТ запускает новую (или просто попроси меня разобраться с чем-нибудь в фоне).
jobs-live =
    Твои фоновые работы:
    { $jobs }

    /cancel ID — остановить работу.
jobs-finished =
    Завершены за последние сутки:
    { $jobs }
job-running = #{ $number } выполняется уже { $duration } — { $title }
job-waiting = #{ $number } ждёт свободного слота — { $title }
job-finished-ok = #{ $number } готова — { $title }
job-finished-not = #{ $number } не удалась или остановлена — { $title }
job-about-to-start = #{ $number } вот-вот начнётся — { $title }
job-stopping = Останавливаю фоновую работу #{ $number }; сообщу, когда она остановится.
job-dropped = Фоновая работа #{ $number } отменена; она ещё не начиналась.
job-starting = Фоновая работа #{ $number } вот-вот начнётся; попробуй ещё раз чуть позже.
job-already-finished = Фоновая работа #{ $number } уже завершена.
duration-secs = { $secs } сек
duration-mins = { $mins } мин
duration-hours = { $hours } ч { $mins } мин

## Подтверждения того, что сделал ответ

confirm-reminder-set = ✓ Напоминание установлено: { $description } — { $when }{ $every } [{ $id }]
confirm-task-set = ✓ Задача запланирована: { $description } — { $when }{ $every } [{ $id }]
confirm-every = , { $every }
confirm-reminder-already = Это напоминание уже установлено [{ $id }].
confirm-task-already = Эта задача уже запланирована [{ $id }].
confirm-reminder-failed = ✗ Не удалось установить напоминание «{ $description }»: { $why }.
confirm-task-failed = ✗ Не удалось запланировать задачу «{ $description }»: { $why }.
confirm-updated = ✓ Обновлено: { $description } — { $when }{ $every } [{ $id }]
confirm-update-failed = ✗ Не удалось изменить задачу { $id }: { $why }.
confirm-cancelled = ✓ Отменено: { $description } [{ $id }]
confirm-no-task = ✗ Нет запланированной задачи с id { $id }.
confirm-ambiguous = ✗ { $id } подходит сразу к нескольким задачам ({ $ids }); укажи id подлиннее.
confirm-checklist-added = ✓ Добавлено в список периодических проверок: { $item }
confirm-checklist-has = «{ $item }» уже есть в списке периодических проверок.
confirm-checklist-removed = ✓ Удалено из списка периодических проверок: { $items }
confirm-checklist-missing = ✗ В списке периодических проверок нет пункта, подходящего под «{ $item }».
confirm-no-checklist = ✗ Списка периодических проверок пока нет.
confirm-checklist-failed = ✗ Не удалось обновить список периодических проверок ({ $error }).
confirm-heartbeat-every = ✓ Периодическая проверка — раз в { $minutes ->
        [one] { $minutes } минуту
        [few] { $minutes } минуты
        [many] { $minutes } минут
       *[other] { $minutes } минуты
    }.
confirm-section-skipped = ✓ Периодическая проверка будет пропускать «{ $section }».
confirm-section-checked = ✓ Периодическая проверка снова включает «{ $section }».
confirm-project-active = ✓ Проект { $project } активен.
confirm-no-such-project = ✗ Проекта с именем { $project } нет (проектов пока нет вообще).
confirm-no-such-project-known = ✗ Проекта с именем { $project } нет (есть проекты: { $known }).
confirm-no-project = ✓ Активного проекта нет.
confirm-skill-improved = ✓ Записано в навык { $skill }, в раздел Lessons Learned: { $lesson }
confirm-skill-known = ✓ В навыке { $skill } этот урок уже есть.
confirm-no-such-skill = ✗ Навыка с именем { $skill } нет (навыков пока нет вообще).
confirm-no-such-skill-known = ✗ Навыка с именем { $skill } нет (есть навыки: { $known }).
confirm-skill-installed = ✓ Навык { $skill } установлен.
confirm-skill-installed-triggers = ✓ Навык { $skill } установлен; срабатывает на: { $triggers }.
confirm-skill-updated = ✓ Навык { $skill } обновлён (предыдущая версия сохранена как SKILL.md.bak).
confirm-skill-updated-triggers = ✓ Навык { $skill } обновлён (предыдущая версия сохранена как SKILL.md.bak); срабатывает на: { $triggers }.
confirm-skill-unchanged = ✗ Навык { $skill } не изменён: { $why }
confirm-file = 📎 { $name } ({ $size })
confirm-file-not-sent = ✗ { $path } не отправлен: { $why }
confirm-job-started = ✓ Фоновая работа #{ $number } запущена: пришлю результат, когда она будет готова. /jobs покажет её, /cancel { $number } — остановит.
confirm-job-queued = ✓ Фоновая работа #{ $number } в очереди и начнётся, когда освободится слот; пришлю результат, когда она будет готова. /jobs покажет её, /cancel { $number } — остановит.
confirm-job-already = ✓ Фоновая работа #{ $number } уже выполняется.
confirm-job-not-started = ✗ Фоновая работа не запущена: { $why }
confirm-bug = ✓ Отчёт об ошибке #{ $number } записан: { $description }
confirm-learned = ✓ Усвоил ({ $domain }): { $rule }
confirm-use-forget = Чтобы начать разговор заново (я перестану опираться на то, что мы уже обсудили), отправь /forget.
confirm-use-purge = Чтобы удалить то, что я о тебе знаю ({ $count ->
        [one] { $count } факт
        [few] { $count } факта
        [many] { $count } фактов
       *[other] { $count } факта
    }), отправь /purge yes. Пока ты этого не сделаешь, ничего не удалится.
confirm-not-saved = ✗ Не удалось это сохранить ({ $error }).
confirm-not-on-your-word = ✗ Не сделано: { $what }. Об этом просило то, что я прочитал (вывод инструмента или веб-страница), а такое я делаю только по вашей собственной просьбе: попросите меня сами.
size-bytes = { $n ->
        [one] { $n } байт
        [few] { $n } байта
        [many] { $n } байт
       *[other] { $n } байта
    }
size-kb = { $n } КБ
size-mb = { $n } МБ

## Когда на сообщение нельзя ответить

busy = Понял, займусь этим следующим.
done = Готово.
abandoned = Omega перезапускался, пока отвечал на это сообщение, и не один раз, поэтому я перестал пробовать снова. Пожалуйста, отправь его ещё раз.
no-vision = С текущей моделью я не могу смотреть изображения (у { $provider } зрение выключено). Опиши его словами или переключись на модель, которая умеет видеть ([provider.{ $provider }] vision = true).
history-failed = Не удалось загрузить наш разговор (ошибка базы данных). Попробуй ещё раз.
internal-provider = Внутри Omega что-то пошло не так, пока я отвечал на это (внутренняя ошибка в провайдере). Пожалуйста, отправь сообщение ещё раз.
internal-markers = Внутри Omega что-то пошло не так при чтении ответа (внутренняя ошибка). Пожалуйста, отправь сообщение ещё раз.
internal-session = Внутри Omega что-то пошло не так, пока я отвечал на это (внутренняя ошибка). Пожалуйста, отправь сообщение ещё раз.
not-saved = Не удалось сохранить твоё сообщение (ошибка базы данных), поэтому я не могу на него ответить. Пожалуйста, отправь его ещё раз.
provider-unavailable = Сейчас не могу ответить: { $why }.
provider-timeout = Я слишком долго отвечал ({ $why }). Попробуй ещё раз.
provider-busy = ИИ-сервис перегружен ({ $why }). Попробуй ещё раз чуть позже.
provider-failed = Не удалось получить ответ: { $why }. Попробуй ещё раз.
budget-sender-usd = Твой дневной бюджет исчерпан: потрачено ${ $spent } из ${ $cap }. Он обнулится в полночь ({ $tz }); владелец может увеличить [budget] daily_usd_per_sender.
budget-sender-tokens = Твой дневной лимит токенов исчерпан: использовано { $spent } из { $cap ->
        [one] { $cap } токена
        [few] { $cap } токенов
        [many] { $cap } токенов
       *[other] { $cap } токена
    }. Он обнулится в полночь ({ $tz }); владелец может увеличить [budget] daily_tokens_per_sender.
budget-total = { $name }: общий дневной бюджет исчерпан (потрачено ${ $usd }, токенов: { $tokens }). Он обнулится в полночь ({ $tz }).
budget-needs-usd = Этому сообщению нужно около ${ $needs }; на сегодня осталось ${ $left } из ${ $cap }. Бюджет обнулится в полночь ({ $tz }); владелец может увеличить [budget] daily_usd_per_sender.
budget-needs-tokens = Этому сообщению нужно около { $needs } токенов; на сегодня осталось { $left } из { $cap }. Лимит обнулится в полночь ({ $tz }); владелец может увеличить [budget] daily_tokens_per_sender.
budget-total-needs = Этому сообщению нужно около { $needs } токенов — больше, чем осталось от общего дневного бюджета { $name } (потрачено ${ $usd }, токенов: { $tokens }). Он обнулится в полночь ({ $tz }).
budget-unreadable = Не удаётся проверить сегодняшний бюджет ({ $error }), поэтому на это сообщение я ничего не трачу. Пожалуйста, попробуй позже.
media-download-failed = Не удалось скачать твоё { $what } ({ $error }). Пожалуйста, отправь его ещё раз.
media-photo = фото
media-voice = голосовое сообщение
media-save-failed = Не удалось сохранить твоё фото ({ $error }). Пожалуйста, отправь его ещё раз.
voice-no-words = Не удалось разобрать ни одного слова в твоём голосовом сообщении.
voice-failed = Не удалось расшифровать твоё голосовое сообщение: { $error }.
voice-off = Здесь я не могу слушать голосовые сообщения ([voice] enabled = false). Пожалуйста, напиши текстом.
file-not-delivered = Не удалось отправить тебе { $name }: { $why }
action-gave-up = Не удалось выполнить «{ $description }» после { $tries ->
        [one] { $tries } попытки
        [few] { $tries } попыток
        [many] { $tries } попыток
       *[other] { $tries } попытки
    } ({ $why }). Я перестал пытаться; попроси ещё раз, когда это станет возможно.
local-note = (Я работаю на крошечной локальной модели SmolLM2-135M, так что ответы будут грубоватыми. Для настоящего помощника укажи провайдера в omega.toml — например, [provider] default = "anthropic" с заданным ANTHROPIC_API_KEY — или направь [provider.local] model_path на модель GGUF побольше, например на 7B.)
