# Omega's own words, in en. Every message here exists in every language (a test checks).

## /help

help-intro = I'm { $name }, your personal AI agent. Just write to me in plain language: ask questions, think out loud, ask me to remind you of things or to do things later — I remember our conversations.
help-commands = Commands:
cmd-help = What Omega can do and how to use it
cmd-tasks = Your reminders and scheduled tasks
cmd-cancel = Cancel a task or a background job: /cancel ID
cmd-bg = Work on something in the background while we talk: /bg TEXT
cmd-jobs = Your background jobs
cmd-memory = What I remember about you
cmd-facts = The facts I keep about you
cmd-history = Our earlier conversations
cmd-forget = Start a fresh conversation
cmd-language = Show or set my reply language
cmd-personality = Show or set how I behave
cmd-projects = Your projects
cmd-project = Activate a project: /project NAME or /project off
cmd-skills = Installed skills
cmd-heartbeat = The heartbeat checklist
cmd-learning = What I learned with you
cmd-usage = What you (and everyone) spent today
cmd-context = What my next prompt holds, and roughly how many tokens each part takes
cmd-status = How Omega is doing
cmd-purge = Delete everything I know about you
cmd-link = Share your memory with your account on another channel
cmd-unlink = Stop sharing memory with another channel
cmd-approve = Let in someone who was given a pairing code
cmd-whatsapp = Link WhatsApp: the QR code to scan with your phone

## Any command

cmd-failed = I couldn't do that (database error: { $error }).
in-project = {" "}in project { $project }
no-project-scope = no project

## /status

status =
    { $name } is running.
    AI: { $provider } ({ $model }); tools: { $tools }.
    You{ $scope }: { $history } messages in this conversation, { $facts } facts, { $tasks } pending tasks. Time zone: { $tz }.
status-tools-on = on
status-tools-provider = the provider runs its own
status-tools-off = off

## /memory, /facts, /history, /forget

memory =
    What I remember about you{ $scope }:
    - { $facts } facts (/facts)
    - { $summaries } earlier conversations (/history)
    - { $history } messages in this conversation
    - { $lessons } lessons (/learning)
    Only you can see this; other people talking to me never see your memory.
facts-none = I don't keep any facts about you yet.
facts-list =
    What I know about you:
    { $facts }

    /purge deletes them.
history-current = This conversation{ $scope }: { $count } messages so far.
history-none = No earlier conversations.
history-earlier = Earlier conversations, newest first:
history-no-summary = (no summary)
forget-done = Done: we start fresh. I won't bring up what we said in that conversation (your facts and tasks stay; /purge deletes the facts).
forget-nothing = There's no conversation to forget: we're already starting fresh.

## /tasks, /cancel

tasks-none = You have no pending tasks{ $scope }. Ask me to remind you of something.{ $elsewhere }
tasks-list =
    Your tasks{ $scope } ({ $tz }):
    { $tasks }

    /cancel ID cancels one.{ $elsewhere }
task-action = {" "}(I'll do it)
tasks-elsewhere = { $count ->
    [one] {"\u000A"}({ $count } more task outside this scope: { $scopes }; /project switches.)
   *[other] {"\u000A"}({ $count } more tasks outside this scope: { $scopes }; /project switches.)
}
cancel-usage = Usage: /cancel ID (the id /tasks shows, or a background job's number from /jobs).
cancel-no-scheduler = I can't cancel tasks right now: the scheduler is not running.
cancel-done = Cancelled: { $description } [{ $id }]
cancel-not-found = No pending task has the id { $id } (/tasks lists them).
cancel-ambiguous = { $id } matches { $count } tasks; use more of the id (/tasks lists them).

## /language, /personality

language-fixed = I answer you in { $language }. /language auto lets me follow your messages.
language-auto = I answer in the language you write in. /language NAME fixes one.
language-cleared = OK: I'll answer in the language you write in.
language-set = OK: I'll answer you in { $language }.
personality-current = My style with you: { $style }. /personality reset goes back to the default.
personality-default = Default style. /personality DESCRIPTION changes it (e.g. "brief and formal").
personality-cleared = OK: back to my default style.
personality-set = OK: from now on — { $style }.

## /skills, /projects, /project

skills-none = No skills installed. A skill is a folder with a SKILL.md in { $dir }.
skills-list =
    Skills:
    { $skills }
skill-triggers = {" "}(brought up by: { $triggers })
skill-unavailable = - { $skill } — unavailable: { $why } ({ $description })
skill-broken = - { $skill } — broken: { $path }, line { $line }: { $problem }
projects-none = No projects yet. A project is a folder in { $dir }.
projects-list =
    Projects:
    { $projects }

    /project NAME activates one, /project off none.
project-active-mark = {" "}(active)
project-active = Active project: { $project }. /project off deactivates it.
project-none-active = No project is active. /projects lists them.
project-off = OK: no project is active.
project-on = OK: project { $project } is active.
project-unknown = There is no project named { $project } (/projects lists them).

## /purge

purge-ask = This deletes the { $count } facts I keep about you (your language and style settings stay). Send /purge yes to confirm.
purge-done = Deleted { $count } facts. I no longer know those things about you.

## /heartbeat, /learning

heartbeat-empty = The heartbeat checklist is empty. Ask me to add something to it.
heartbeat-list =
    Heartbeat checklist:
    { $items }
heartbeat-interval = Interval: every { $minutes } minutes.
heartbeat-skipped = Skipped sections: { $sections }.
learning-none = I haven't learned anything specific with you{ $scope } yet.
learning-rules = Rules I follow with you{ $scope }:
learning-outcomes = Outcomes: { $good } went well, { $bad } went badly, of { $total }.

## /link, /unlink, /approve

link-code = To share your memory with your account on another channel, send /link { $code } from there within 10 minutes. Only do this for accounts that are yours.
link-done = Linked: this account now shares memory (facts, lessons, style) with { $account }. /unlink undoes it.
link-no-code = No link code { $code } is waiting (codes expire after 10 minutes; /link makes a new one).
link-same = That code was made on this same account.
unlink-done = Unlinked: this account has its own memory again.
unlink-none = This account is not linked to another one.
approve-usage = Usage: /approve CODE (the code the person was given).
approve-owner-only = Only the owner can approve pairing codes.
approve-welcome = You're approved — say hi!
approve-done = Approved { $who } on { $channel }: they can talk to me now.
approve-unknown = No pending request has code { $code } (codes expire after 10 minutes).
pairing-offer = Hi! I only talk to people my owner has approved. Your pairing code is { $code } (valid for { $minutes } minutes): ask the owner to send me /approve { $code }, or to run `omega pair { $code }`.

## /usage

usage =
    Today ({ $tz }):
    You: ${ $mine_usd }{ $usd_cap } and { $mine_tokens } tokens{ $token_cap } in { $calls } messages.
    Everyone: ${ $all_usd }{ $all_usd_cap } and { $all_tokens } tokens{ $all_token_cap }.{ $cache }
usage-usd-cap = {" "}of ${ $cap }
usage-token-cap = {" "}of { $cap }
usage-cache = {"\u000A"}Prompt cache: { $percent }% of today's prompt tokens were read from the cache ({ $read } of { $total }), saving about ${ $saved }.
usage-estimated = {"\u000A"}≈ { $calls } of today's calls are counted by estimate (about four characters a token): their provider reported no usage.

## /context

context-failed = I couldn't build the prompt (database error: { $error }).
context =
    Your next message's prompt{ $scope }, about { $total } tokens of the { $allowed } allowed:
    - who I am, what I can do, the rules and the skills list: ~{ $stable } tokens (cached for everyone)
    - what I know about you (profile, settings, project, lessons, outcomes): ~{ $person } tokens (cached for you)
    - this turn (summaries, recall, tasks, the time{ $compacted }): ~{ $turn } tokens
    - this conversation: { $messages } messages, ~{ $history } tokens{ $older }{ $tools }
context-compacted = , and the summary of this conversation's older part
context-older = {" "}(its older part is in the summary; /history has it all)
context-tools = {"\u000A"}- tools: { $count } of them, ~{ $tokens } tokens

## /whatsapp

whatsapp-owner-only = Only the owner can link WhatsApp.
whatsapp-not-running = WhatsApp Web is not running here. It runs in the daemon (`omega start`) with [channel.whatsapp] enabled = true and mode = "web"; or, with Omega stopped, pair from a terminal with `omega whatsapp pair`.
whatsapp-restarting = WhatsApp's connection is restarting; try again in a moment.
whatsapp-forgetting = WhatsApp just logged me out and I'm still deleting the old keys; send /whatsapp again in a moment.
whatsapp-already = WhatsApp is already linked. To link another number, remove Omega under Linked devices on the phone first.
whatsapp-under-way = Pairing is already under way; the next QR code comes here.
whatsapp-connecting = Connecting to WhatsApp… a QR code to scan follows.
whatsapp-no-answer = WhatsApp did not answer within { $secs } s; check that this machine reaches web.whatsapp.com, then send /whatsapp again.
whatsapp-cannot-start = WhatsApp could not start: { $error }
whatsapp-scan = Scan this with WhatsApp on your phone: Settings › Linked devices › Link a device. It changes in { $secs } s.
whatsapp-no-photo = (No way to send a photo here: run `omega whatsapp pair` in a terminal instead.)
whatsapp-pair-code = On your phone: WhatsApp › Linked devices › Link a device › Link with phone number, and type { $code } (valid { $secs } s).
whatsapp-linked = WhatsApp is linked (+{ $number }).
whatsapp-allow-hint = {" "}To talk to me from that phone ("Message yourself"), add { $number } to [channel.whatsapp] allowed_users.
whatsapp-logged-out = WhatsApp logged me out ({ $why }): I no longer receive or send WhatsApp messages. Send /whatsapp to link me again.
whatsapp-paired = The phone linked me; finishing the setup with WhatsApp…
whatsapp-stopped = WhatsApp stopped: { $why }.{ $next }
whatsapp-retry = {" "}I'll try again in { $minutes } minutes.
whatsapp-link-failed = Linking WhatsApp failed: { $error }. Send /whatsapp to try again.
whatsapp-qr-expired = The QR codes expired before the phone linked me. Send /whatsapp for new ones.
whatsapp-stalled = WhatsApp has shown no sign of life for { $minutes } minutes: { $advice }; I'll tell you when it is back.
whatsapp-recovered = WhatsApp is working again.

## Background jobs

job-stopped = Background job #{ $number } ({ $title }) was stopped: { $why }.
job-done =
    Background job #{ $number } is done ({ $title }):

    { $text }
job-failed = Background job #{ $number } ({ $title }) failed: { $text }
job-cancelled-by-you = cancelled by you
job-cancelled-before-start = cancelled by you before it started
job-timed-out = it was still running after { $minutes } minutes, the limit ([jobs] timeout_mins)
bg-usage = Usage: /bg TEXT — I work on TEXT in the background and send you the result when it's done (/jobs lists your jobs).
jobs-none = You have no background jobs. /bg TEXT starts one (or ask me to look into something in the background).
jobs-live =
    Your background jobs:
    { $jobs }

    /cancel ID stops one.
jobs-finished =
    Finished in the last day:
    { $jobs }
job-running = #{ $number } running for { $duration } — { $title }
job-waiting = #{ $number } waiting for a free slot — { $title }
job-finished-ok = #{ $number } done — { $title }
job-finished-not = #{ $number } failed or stopped — { $title }
job-about-to-start = #{ $number } about to start — { $title }
job-stopping = Stopping background job #{ $number }; you'll get a note when it has stopped.
job-dropped = Background job #{ $number } is cancelled; it had not started.
job-starting = Background job #{ $number } is about to start; try again in a moment.
job-already-finished = Background job #{ $number } has already finished.
duration-secs = { $secs } s
duration-mins = { $mins } min
duration-hours = { $hours } h { $mins } min

## Confirmations of what an answer did

confirm-reminder-set = ✓ Reminder set: { $description } — { $when }{ $every } [{ $id }]
confirm-task-set = ✓ Task set: { $description } — { $when }{ $every } [{ $id }]
confirm-every = , { $every }
confirm-reminder-already = That reminder is already set [{ $id }].
confirm-task-already = That task is already set [{ $id }].
confirm-reminder-failed = ✗ I couldn't set the reminder "{ $description }": { $why }.
confirm-task-failed = ✗ I couldn't set the task "{ $description }": { $why }.
confirm-updated = ✓ Updated: { $description } — { $when }{ $every } [{ $id }]
confirm-update-failed = ✗ I couldn't change task { $id }: { $why }.
confirm-cancelled = ✓ Cancelled: { $description } [{ $id }]
confirm-no-task = ✗ No pending task has the id { $id }.
confirm-ambiguous = ✗ { $id } matches several tasks ({ $ids }); use more of the id.
confirm-checklist-added = ✓ Added to your heartbeat checklist: { $item }
confirm-checklist-has = "{ $item }" is already on your heartbeat checklist.
confirm-checklist-removed = ✓ Removed from your heartbeat checklist: { $items }
confirm-checklist-missing = ✗ No heartbeat checklist item matches "{ $item }".
confirm-no-checklist = ✗ There is no heartbeat checklist yet.
confirm-checklist-failed = ✗ I couldn't update the heartbeat checklist ({ $error }).
confirm-heartbeat-every = ✓ Heartbeat every { $minutes } minutes.
confirm-section-skipped = ✓ The heartbeat will skip "{ $section }".
confirm-section-checked = ✓ The heartbeat will check "{ $section }" again.
confirm-project-active = ✓ Project { $project } is active.
confirm-no-such-project = ✗ There is no project named { $project } (there are none yet).
confirm-no-such-project-known = ✗ There is no project named { $project } (projects: { $known }).
confirm-no-project = ✓ No project is active.
confirm-skill-improved = ✓ Written into the { $skill } skill, under Lessons Learned: { $lesson }
confirm-skill-known = ✓ The { $skill } skill already has that lesson.
confirm-no-such-skill = ✗ There is no skill named { $skill } (there are none yet).
confirm-no-such-skill-known = ✗ There is no skill named { $skill } (skills: { $known }).
confirm-skill-installed = ✓ Skill { $skill } installed.
confirm-skill-installed-triggers = ✓ Skill { $skill } installed; it comes up on: { $triggers }.
confirm-skill-updated = ✓ Skill { $skill } updated (the previous version is kept as SKILL.md.bak).
confirm-skill-updated-triggers = ✓ Skill { $skill } updated (the previous version is kept as SKILL.md.bak); it comes up on: { $triggers }.
confirm-skill-unchanged = ✗ The { $skill } skill was not changed: { $why }
confirm-file = 📎 { $name } ({ $size })
confirm-file-not-sent = ✗ { $path } was not sent: { $why }
confirm-job-started = ✓ Background job #{ $number } started: I'll send you the result when it's done. /jobs shows it, /cancel { $number } stops it.
confirm-job-queued = ✓ Background job #{ $number } is queued and starts when a slot is free; I'll send you the result when it's done. /jobs shows it, /cancel { $number } stops it.
confirm-job-already = ✓ Background job #{ $number } is already under way.
confirm-job-not-started = ✗ No background job was started: { $why }
confirm-bug = ✓ Bug report #{ $number } recorded: { $description }
confirm-learned = ✓ Learned ({ $domain }): { $rule }
confirm-use-forget = To start a fresh conversation (I'd stop using what we said so far), send /forget.
confirm-use-purge = To delete the { $count } things I know about you, send /purge yes. Nothing is deleted until you do.
confirm-not-saved = ✗ I couldn't save that ({ $error }).
confirm-not-on-your-word = ✗ Not done: { $what }. It was asked for by something I read (a tool's output or a web page), and I do that only on your own word: ask me yourself.
size-bytes = { $n } bytes
size-kb = { $n } KB
size-mb = { $n } MB

## When a message cannot be answered

busy = Got it, I'll get to this next.
done = Done.
abandoned = Omega restarted while answering this message, more than once, so I stopped retrying it. Please send it again.
no-vision = I can't look at images with the current model ({ $provider } has vision turned off). Describe it in words, or switch to a model that can see ([provider.{ $provider }] vision = true).
history-failed = I couldn't load our conversation (database error). Please try again.
internal-provider = Something went wrong inside Omega while answering this (internal error in the provider). Please send it again.
internal-markers = Something went wrong inside Omega while reading the answer (internal error). Please send it again.
internal-session = Something went wrong inside Omega while answering this (internal error). Please send it again.
not-saved = I couldn't save your message (database error), so I can't answer it. Please send it again.
provider-unavailable = I can't answer right now: { $why }.
provider-timeout = I took too long to answer ({ $why }). Please try again.
provider-busy = The AI service is busy ({ $why }). Please try again in a moment.
provider-failed = I couldn't get an answer: { $why }. Please try again.
budget-sender-usd = You've reached today's budget: ${ $spent } of ${ $cap } spent. It resets at midnight ({ $tz }); the owner can raise [budget] daily_usd_per_sender.
budget-sender-tokens = You've reached today's token budget: { $spent } of { $cap } tokens used. It resets at midnight ({ $tz }); the owner can raise [budget] daily_tokens_per_sender.
budget-total = { $name } has reached today's overall budget (${ $usd }, { $tokens } tokens used). It resets at midnight ({ $tz }).
budget-needs-usd = This message needs about ${ $needs }; ${ $left } of ${ $cap } is left today. It resets at midnight ({ $tz }); the owner can raise [budget] daily_usd_per_sender.
budget-needs-tokens = This message needs about { $needs } tokens; { $left } of { $cap } are left today. It resets at midnight ({ $tz }); the owner can raise [budget] daily_tokens_per_sender.
budget-total-needs = This message needs about { $needs } tokens, more than is left of { $name }'s overall budget today (${ $usd }, { $tokens } tokens used). It resets at midnight ({ $tz }).
budget-unreadable = I can't check today's budget ({ $error }), so I won't spend anything on this message. Please try again later.
media-download-failed = I couldn't download your { $what } ({ $error }). Please send it again.
media-photo = photo
media-voice = voice message
media-save-failed = I couldn't save your photo ({ $error }). Please send it again.
voice-no-words = I couldn't make out any words in your voice message.
voice-failed = I couldn't transcribe your voice message: { $error }.
voice-off = I can't listen to voice messages here ([voice] enabled = false). Please type it.
file-not-delivered = I couldn't send you { $name }: { $why }
action-gave-up = I couldn't do "{ $description }" after { $tries } tries ({ $why }). I've stopped trying; ask me again when it can work.
local-note = (I'm running on a tiny local model, SmolLM2-135M, so expect rough answers. For a real assistant, set a provider in omega.toml — for example [provider] default = "anthropic" with ANTHROPIC_API_KEY set — or point [provider.local] model_path at a bigger GGUF model, such as a 7B one.)
