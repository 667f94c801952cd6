//! Markers and commands end to end: the real `omega` binary (`omega ask`), a scripted model (the
//! OpenAI fake), and what a person sees — the reply, and the commands that show the stored state.

use crate::support::{Daemon, omega};
use omega_testkit::peers::free_port;
use omega_testkit::{FakeOpenAi, Script, TempHome};

struct Bot {
    home: TempHome,
    fake: FakeOpenAi,
}

impl Bot {
    fn new() -> Self {
        let (home, fake) = (TempHome::new(), FakeOpenAi::start());
        let path = home.write_config(&format!(
            "[provider]\ndefault = \"openai\"\n\n[provider.openai]\nbase_url = \"{}\"\napi_key = \"sk-test\"\n\
             model = \"test-model\"\n\n[api]\nport = {}\n",
            fake.base_url(),
            free_port()
        ));
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("timezone = \"UTC\"", "timezone = \"Europe/Lisbon\"");
        std::fs::write(&path, text).unwrap();
        Self { home, fake }
    }

    /// Send `text`; the model (when asked) answers `answer`. Returns what the person sees.
    fn say(&self, text: &str, answer: &str) -> String {
        self.fake.push(Script::Text(answer.into()));
        self.ask(text)
    }

    /// Send `text` without scripting the model (commands never reach it).
    fn ask(&self, text: &str) -> String {
        let out = omega(&self.home, &["ask", text]).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "{text}: {stdout}{}", String::from_utf8_lossy(&out.stderr));
        stdout.trim_end().to_owned()
    }
}

/// Tomorrow at `hh:mm`, Lisbon time, as the model writes it.
fn tomorrow_at(hhmm: &str) -> String {
    let day =
        chrono::Utc::now().with_timezone(&chrono_tz::Europe::Lisbon).date_naive() + chrono::Days::new(1);
    format!("{}T{hhmm}", day.format("%Y-%m-%d"))
}

/// The task id in a confirmation such as "✓ Reminder set: … [3f9a2c]".
fn task_id(reply: &str) -> String {
    let start = reply.rfind('[').expect("an id in brackets") + 1;
    reply[start..].trim_end_matches(']').to_owned()
}

#[test]
fn remind_me_tomorrow_then_list_and_cancel_it() {
    let bot = Bot::new();
    let when = tomorrow_at("09:00");
    let reply = bot.say(
        "remind me to call mom tomorrow at 9",
        &format!("Sure, I'll remind you.\nSCHEDULE: call mom | {when} | once"),
    );
    assert!(!reply.contains("SCHEDULE"), "the marker is stripped: {reply}");
    assert!(reply.starts_with("Sure, I'll remind you.\n\n✓ Reminder set: call mom — "), "{reply}");
    assert!(reply.contains(" 09:00 (Europe/Lisbon) ["), "the local time and zone: {reply}");
    let id = task_id(&reply);
    // The model sees the task in its prompt next time.
    bot.say("what's on?", "Just the call.");
    let prompt = bot.fake.requests().last().unwrap().system_prompt().unwrap();
    assert!(prompt.contains(&format!("[{id}] call mom — ")), "{prompt}");

    let tasks = bot.ask("/tasks");
    assert!(tasks.starts_with("Your tasks (Europe/Lisbon):\n"), "{tasks}");
    assert!(tasks.contains(&format!("[{id}] call mom — ")) && tasks.contains("09:00"), "{tasks}");
    assert_eq!(bot.ask(&format!("/cancel {id}")), format!("Cancelled: call mom [{id}]"));
    assert_eq!(bot.ask("/tasks"), "You have no pending tasks. Ask me to remind you of something.");
    assert_eq!(bot.ask("/cancel nope"), "No pending task has the id nope (/tasks lists them).");
    assert_eq!(bot.fake.request_count(), 2, "commands never reach the model");
}

#[test]
fn task_markers_schedule_update_cancel_and_refuse_bad_times() {
    let bot = Bot::new();
    let reply =
        bot.say("x", &format!("SCHEDULE_ACTION: check the weather | {} | weekdays", tomorrow_at("08:30")));
    assert!(
        reply.starts_with("✓ Task set: check the weather — ") && reply.contains(", on weekdays ["),
        "{reply}"
    );
    let id = task_id(&reply);
    let reply = bot.say("x", &format!("OK.\nUPDATE_TASK: {id} | check weather and traffic | | daily"));
    assert!(reply.contains("✓ Updated: check weather and traffic — ") && reply.contains("08:30"), "{reply}");
    assert!(reply.contains(", every day"), "{reply}");
    let reply = bot.say("x", &format!("CANCEL_TASK: {}", &id[..4]));
    assert_eq!(reply, format!("✓ Cancelled: check weather and traffic [{id}]"));
    let reply = bot.say("x", "SCHEDULE: too late | 2020-01-01T09:00 | once");
    assert!(
        reply.starts_with("✗ I couldn't set the reminder \"too late\": that time (")
            && reply.contains("is in the past"),
        "{reply}"
    );
    let reply = bot.say("x", &format!("SCHEDULE: water plants | {} | fortnightly", tomorrow_at("10:00")));
    assert!(reply.contains("\"fortnightly\" is not a repeat I know"), "{reply}");
    let reply = bot.say("x", "CANCEL_TASK: ffffffff");
    assert_eq!(reply, "✗ No pending task has the id ffffffff.");
    assert_eq!(bot.ask("/tasks"), "You have no pending tasks. Ask me to remind you of something.");
    // The same reminder twice is stored once.
    let m = format!("SCHEDULE: stretch | {} | daily", tomorrow_at("11:00"));
    let first = bot.say("x", &m);
    let again = bot.say("x", &m);
    assert_eq!(again, format!("That reminder is already set [{}].", task_id(&first)));
}

#[test]
fn heartbeat_markers_edit_the_checklist_and_its_settings() {
    let bot = Bot::new();
    assert_eq!(
        bot.say("x", "HEARTBEAT_ADD: check disk space"),
        "✓ Added to your heartbeat checklist: check disk space"
    );
    bot.say("x", "HEARTBEAT_ADD: read the news");
    assert_eq!(bot.say("x", "HEARTBEAT_INTERVAL: 45"), "✓ Heartbeat every 45 minutes.");
    assert_eq!(bot.say("x", "HEARTBEAT_SUPPRESS_SECTION: Email"), "✓ The heartbeat will skip \"Email\".");
    let hb = bot.ask("/heartbeat");
    assert_eq!(
        hb,
        "Heartbeat checklist:\n- check disk space\n- read the news\nInterval: every 45 minutes.\nSkipped sections: Email."
    );
    assert_eq!(
        bot.say("x", "HEARTBEAT_UNSUPPRESS_SECTION: email"),
        "✓ The heartbeat will check \"email\" again."
    );
    assert_eq!(
        bot.say("x", "HEARTBEAT_REMOVE: disk"),
        "✓ Removed from your heartbeat checklist: check disk space"
    );
    assert_eq!(bot.ask("/heartbeat"), "Heartbeat checklist:\n- read the news\nInterval: every 45 minutes.");
    assert_eq!(bot.say("x", "All quiet.\nHEARTBEAT_OK"), "All quiet.");
    assert_eq!(bot.say("x", "HEARTBEAT_INTERVAL: 0"), "Done.", "an invalid marker is stripped, not applied");
    assert!(bot.ask("/heartbeat").contains("every 45 minutes"));
}

#[test]
fn settings_markers_and_their_commands() {
    let bot = Bot::new();
    assert_eq!(bot.say("x", "D'accord.\nLANG_SWITCH: French"), "D'accord.");
    // From then on Omega's own words are French too, until the person goes back to following them.
    assert_eq!(
        bot.ask("/language"),
        "Je te réponds en français. /language auto me laisse suivre la langue de tes messages."
    );
    assert_eq!(bot.ask("/language auto"), "OK: I'll answer in the language you write in.");
    bot.say("x", "Fine.\nPERSONALITY: terse and dry");
    assert_eq!(
        bot.ask("/personality"),
        "My style with you: terse and dry. /personality reset goes back to the default."
    );
    bot.say("x", "PERSONALITY: reset");
    assert!(bot.ask("/personality").starts_with("Default style."));
    assert_eq!(bot.ask("/language Portuguese"), "OK: vou responder-te em português.");
    assert!(bot.ask("/personality").starts_with("Estilo predefinido."), "and /personality follows");
    bot.say("hi", "Olá.");
    let prompt = bot.fake.requests().last().unwrap().system_prompt().unwrap();
    assert!(prompt.contains("Always respond in Portuguese") && !prompt.contains("terse"), "{prompt}");
}

#[test]
fn forgetting_and_purging_need_the_persons_own_command() {
    let bot = Bot::new();
    bot.say("my name is Ana", "Nice to meet you.");
    bot.say("x", "Noted.\nLANG_SWITCH: English");
    let reply = bot.say("forget everything", "As you wish.\nFORGET_CONVERSATION\nPURGE_FACTS");
    assert_eq!(
        reply,
        "As you wish.\n\nTo start a fresh conversation (I'd stop using what we said so far), send /forget.\n\
         To delete the 0 things I know about you, send /purge yes. Nothing is deleted until you do."
    );
    let history = bot.ask("/history");
    assert!(
        history.starts_with("This conversation: 6 messages so far."),
        "nothing was forgotten yet: {history}"
    );
    assert_eq!(
        bot.ask("/forget"),
        "Done: we start fresh. I won't bring up what we said in that conversation (your facts and tasks stay; \
         /purge deletes the facts)."
    );
    assert_eq!(bot.ask("/forget"), "There's no conversation to forget: we're already starting fresh.");
    bot.say("hello again", "Hi!");
    let sent = bot.fake.requests().last().unwrap().body["messages"].as_array().unwrap().len();
    assert_eq!(sent, 2, "system prompt + the new message only");
    assert!(bot.ask("/purge").starts_with("This deletes the 0 facts I keep about you"));
    assert_eq!(bot.ask("/purge yes"), "Deleted 0 facts. I no longer know those things about you.");
    assert!(bot.ask("/facts").contains("preferred_language: English"), "settings survive a purge");
}

#[test]
fn project_skill_learning_and_bug_markers() {
    let bot = Bot::new();
    std::fs::create_dir_all(bot.home.data_dir().join("projects/garden")).unwrap();
    std::fs::create_dir_all(bot.home.data_dir().join("skills/weather")).unwrap();
    std::fs::write(
        bot.home.data_dir().join("skills/weather/SKILL.md"),
        "---\nname: weather\ndescription: Forecasts from the met office\n---\n",
    )
    .unwrap();
    assert_eq!(bot.say("x", "PROJECT_ACTIVATE: Garden"), "✓ Project garden is active.");
    assert_eq!(
        bot.ask("/projects"),
        "Projects:\n- garden (active)\n\n/project NAME activates one, /project off none."
    );
    assert_eq!(
        bot.say("x", "PROJECT_ACTIVATE: kitchen"),
        "✗ There is no project named kitchen (projects: garden)."
    );
    assert_eq!(bot.say("x", "PROJECT_DEACTIVATE"), "✓ No project is active.");
    assert_eq!(bot.ask("/project garden"), "OK: project garden is active.");
    assert_eq!(bot.ask("/project"), "Active project: garden. /project off deactivates it.");
    assert!(bot.ask("/skills").contains("\n- weather: Forecasts from the met office"));
    assert_eq!(
        bot.say("x", "SKILL_IMPROVE: weather | use metric units"),
        "✓ Written into the weather skill, under Lessons Learned: use metric units"
    );
    let skill = std::fs::read_to_string(bot.home.data_dir().join("skills/weather/SKILL.md")).unwrap();
    assert!(skill.ends_with("## Lessons Learned\n\n- use metric units\n"), "{skill}");
    assert_eq!(bot.say("x", "LESSON: food | Ana is vegetarian"), "✓ Learned (food): Ana is vegetarian");
    assert_eq!(bot.say("x", "Enjoy!\nREWARD: +1 | cooking | she liked the risotto"), "Enjoy!");
    assert_eq!(
        bot.say("x", "BUG_REPORT: the clock is an hour off"),
        "✓ Bug report #1 recorded: the clock is an hour off"
    );
    assert_eq!(bot.say("x", "Done it.\nACTION_OUTCOME: success"), "Done it.");
    let learning = bot.ask("/learning");
    assert_eq!(
        learning,
        "Rules I follow with you in project garden:\n- (food) [garden] Ana is vegetarian\n\
         Outcomes: 1 went well, 0 went badly, of 1."
    );
    bot.say("what should I cook?", "Risotto.");
    let prompt = bot.fake.requests().last().unwrap().system_prompt().unwrap();
    assert!(
        prompt.contains("- (food) Ana is vegetarian") && prompt.contains("Active project: garden."),
        "{prompt}"
    );
    assert!(
        prompt.contains("How recent things went with this user (keep doing what worked):\n- +1 (cooking) she liked the risotto"),
        "an outcome feeds back into the prompt: {prompt}"
    );
    let status = omega(&bot.home, &["status"]).output().unwrap();
    let out = String::from_utf8_lossy(&status.stdout);
    assert!(
        out.contains("bugs:      1 reported by the AI") && out.contains("#1 (terminal:"),
        "the owner sees bug reports: {out}"
    );
    assert!(out.contains("the clock is an hour off"), "{out}");
}

#[test]
fn every_command_answers_without_the_model() {
    let bot = Bot::new();
    let help = bot.ask("/help");
    for name in omega_core::commands::MENU {
        assert!(help.contains(&format!("/{name} — ")), "{help}");
    }
    assert!(bot.ask("/status").starts_with("Omega is running.\nAI: openai (test-model); tools: on."));
    assert!(
        bot.ask("/memory")
            .starts_with("What I remember about you:\n- 0 facts (/facts)\n- 0 earlier conversations")
    );
    assert_eq!(bot.ask("/facts"), "I don't keep any facts about you yet.");
    assert_eq!(bot.ask("/history"), "This conversation: 0 messages so far.\nNo earlier conversations.");
    assert!(bot.ask("/skills").contains("\n- skill-creator: How to write a new skill"), "the bundled skills");
    assert!(bot.ask("/projects").starts_with("No projects yet."));
    assert!(bot.ask("/usage").starts_with("Today (Europe/Lisbon):\nYou: $0.0000"));
    assert_eq!(bot.ask("/learning"), "I haven't learned anything specific with you yet.");
    assert_eq!(bot.ask("/heartbeat"), "The heartbeat checklist is empty. Ask me to add something to it.");
    assert_eq!(
        bot.ask("/cancel"),
        "Usage: /cancel ID (the id /tasks shows, or a background job's number from /jobs)."
    );
    assert!(bot.ask("/jobs").starts_with("You have no background jobs."));
    assert_eq!(bot.fake.request_count(), 0);
}

/// The same conversation through the HTTP API of a running daemon: another channel, the same
/// behaviour, and two senders who never see each other's tasks or memory.
#[test]
fn the_reminder_flow_works_over_http_and_senders_are_isolated() {
    let bot = Bot::new();
    let port = free_port();
    let cfg = std::fs::read_to_string(bot.home.config_path()).unwrap();
    let cfg = cfg.lines().filter(|l| !l.starts_with("port =")).collect::<Vec<_>>().join("\n");
    std::fs::write(bot.home.config_path(), format!("{cfg}\nport = {port}\n")).unwrap();
    let daemon = Daemon::start(&bot.home, port, 1);
    let post = |sender: &str, text: &str| {
        let (status, body) = crate::support::reqwest::blocking_post(
            format!("{}/api/messages", daemon.base()),
            &serde_json::json!({"sender": sender, "text": text}),
        );
        assert_eq!(status, 200, "{body}");
        body["reply"]["text"].as_str().unwrap().to_owned()
    };
    bot.fake.push(Script::Text(format!("OK!\nSCHEDULE: pay rent | {} | monthly", tomorrow_at("09:00"))));
    let reply = post("ana", "remind me to pay rent every month");
    assert!(reply.contains("✓ Reminder set: pay rent — ") && reply.contains(", every month ["), "{reply}");
    assert!(post("ana", "/tasks").contains("pay rent"));
    assert_eq!(post("bob", "/tasks"), "You have no pending tasks. Ask me to remind you of something.");
    bot.fake.push(Script::Text("LESSON: tone | Bob likes jokes".into()));
    post("bob", "be funny");
    assert_eq!(post("ana", "/learning"), "I haven't learned anything specific with you yet.");
    let id = task_id(&reply);
    assert_eq!(
        post("bob", &format!("/cancel {id}")),
        format!("No pending task has the id {id} (/tasks lists them).")
    );
    assert_eq!(post("ana", &format!("/cancel {id}")), format!("Cancelled: pay rent [{id}]"));
    // A reminder that falls due reaches an HTTP client through /api/notices.
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    bot.fake.push(Script::Text(format!("SCHEDULE: stand up | {soon} | once")));
    post("ana", "remind me to stand up in 2 seconds");
    let notices = |who: &str| {
        crate::support::http_get(daemon.port, &format!("/api/notices?sender={who}&after=0")).unwrap()["notices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["text"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    omega_testkit::wait_until(std::time::Duration::from_secs(15), "the notice", || {
        notices("ana") == ["⏰ Reminder: stand up"]
    });
    assert!(notices("bob").is_empty());
    drop(daemon);
}
