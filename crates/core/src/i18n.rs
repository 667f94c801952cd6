//! The person's language for Omega's own words: the eight languages the original Omega spoke,
//! chosen by the sender's stored language (`/language`, `LANG_SWITCH`). A catalogue entry is an
//! array with one text per language, so no language can lack a key: the type checks it.
//!
//! So far `/help` speaks them all; the other fixed texts are English.

use crate::commands::MENU;

/// A language Omega's own texts are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Es,
    Pt,
    Fr,
    De,
    It,
    Nl,
    Ru,
}

/// One text in every language, in [`Lang`]'s order.
pub type Text = [&'static str; 8];

impl Lang {
    pub const ALL: [Lang; 8] =
        [Lang::En, Lang::Es, Lang::Pt, Lang::Fr, Lang::De, Lang::It, Lang::Nl, Lang::Ru];

    /// The language a stored preference names — a code ("pt", "pt-BR") or a name in English or
    /// in the language itself ("Brazilian Portuguese", "português"); `None` for any other.
    pub fn parse(name: &str) -> Option<Lang> {
        let n = name.trim().to_lowercase();
        let code = n.split(['-', '_', ' ']).next().unwrap_or("");
        let by_code = match code {
            "en" => Some(Lang::En),
            "es" => Some(Lang::Es),
            "pt" => Some(Lang::Pt),
            "fr" => Some(Lang::Fr),
            "de" => Some(Lang::De),
            "it" => Some(Lang::It),
            "nl" => Some(Lang::Nl),
            "ru" => Some(Lang::Ru),
            _ => None,
        };
        by_code.or_else(|| {
            let names: [(&[&str], Lang); 8] = [
                (&["english", "inglés", "inglês"], Lang::En),
                (&["spanish", "español", "espanol", "castellano"], Lang::Es),
                (&["portug"], Lang::Pt),
                (&["french", "français", "francais"], Lang::Fr),
                (&["german", "deutsch"], Lang::De),
                (&["italian", "italiano"], Lang::It),
                (&["dutch", "nederlands", "flemish"], Lang::Nl),
                (&["russian", "русский"], Lang::Ru),
            ];
            names.iter().find(|(words, _)| words.iter().any(|w| n.contains(w))).map(|(_, l)| *l)
        })
    }

    /// This language's text of `t`.
    pub fn of(self, t: &Text) -> &'static str {
        t[self as usize]
    }
}

const INTRO: Text = [
    "I'm {name}, your personal AI agent. Just write to me in plain language: ask questions, think out loud, ask me to remind you of things or to do things later — I remember our conversations.",
    "Soy {name}, tu agente personal de IA. Escríbeme con naturalidad: hazme preguntas, piensa en voz alta, pídeme que te recuerde cosas o que haga algo más tarde — recuerdo nuestras conversaciones.",
    "Sou o {name}, o teu agente pessoal de IA. Escreve-me com naturalidade: faz perguntas, pensa em voz alta, pede-me que te lembre de coisas ou que faça algo mais tarde — lembro-me das nossas conversas.",
    "Je suis {name}, ton agent IA personnel. Écris-moi simplement : pose des questions, réfléchis à voix haute, demande-moi de te rappeler des choses ou de faire quelque chose plus tard — je me souviens de nos conversations.",
    "Ich bin {name}, dein persönlicher KI-Agent. Schreib mir einfach: stell Fragen, denk laut nach, bitte mich, dich an etwas zu erinnern oder später etwas zu erledigen — ich erinnere mich an unsere Gespräche.",
    "Sono {name}, il tuo agente IA personale. Scrivimi in modo naturale: fai domande, ragiona ad alta voce, chiedimi di ricordarti qualcosa o di fare qualcosa più tardi — ricordo le nostre conversazioni.",
    "Ik ben {name}, je persoonlijke AI-agent. Schrijf me gewoon: stel vragen, denk hardop, vraag me je ergens aan te herinneren of later iets te doen — ik onthoud onze gesprekken.",
    "Я {name}, твой личный ИИ-агент. Просто пиши мне обычным языком: задавай вопросы, рассуждай вслух, проси напомнить о чём-то или сделать что-то позже — я помню наши разговоры.",
];

const COMMANDS: Text =
    ["Commands:", "Comandos:", "Comandos:", "Commandes :", "Befehle:", "Comandi:", "Opdrachten:", "Команды:"];

/// What each command of [`MENU`] does, in every language but English (MENU has that).
const MENU_TEXT: &[(&str, [&str; 7])] = &[
    (
        "help",
        [
            "Qué puede hacer Omega y cómo usarlo",
            "O que o Omega sabe fazer e como usá-lo",
            "Ce que fait Omega et comment s'en servir",
            "Was Omega kann und wie man es nutzt",
            "Cosa sa fare Omega e come usarlo",
            "Wat Omega kan en hoe je het gebruikt",
            "Что умеет Omega и как им пользоваться",
        ],
    ),
    (
        "tasks",
        [
            "Tus recordatorios y tareas programadas",
            "Os teus lembretes e tarefas agendadas",
            "Tes rappels et tâches planifiées",
            "Deine Erinnerungen und geplanten Aufgaben",
            "I tuoi promemoria e attività programmate",
            "Je herinneringen en geplande taken",
            "Твои напоминания и запланированные задачи",
        ],
    ),
    (
        "cancel",
        [
            "Cancelar una tarea o un trabajo en segundo plano: /cancel ID",
            "Cancelar uma tarefa ou um trabalho em segundo plano: /cancel ID",
            "Annuler une tâche ou un travail en arrière-plan : /cancel ID",
            "Eine Aufgabe oder einen Hintergrundjob abbrechen: /cancel ID",
            "Annullare un'attività o un lavoro in background: /cancel ID",
            "Een taak of achtergrondtaak annuleren: /cancel ID",
            "Отменить задачу или фоновую работу: /cancel ID",
        ],
    ),
    (
        "bg",
        [
            "Trabajar en algo en segundo plano mientras hablamos: /bg TEXTO",
            "Trabalhar em algo em segundo plano enquanto falamos: /bg TEXTO",
            "Travailler sur quelque chose en arrière-plan pendant qu'on parle : /bg TEXTE",
            "Im Hintergrund an etwas arbeiten, während wir reden: /bg TEXT",
            "Lavorare a qualcosa in background mentre parliamo: /bg TESTO",
            "Op de achtergrond aan iets werken terwijl we praten: /bg TEKST",
            "Работать над чем-то в фоне, пока мы говорим: /bg ТЕКСТ",
        ],
    ),
    (
        "jobs",
        [
            "Tus trabajos en segundo plano",
            "Os teus trabalhos em segundo plano",
            "Tes travaux en arrière-plan",
            "Deine Hintergrundjobs",
            "I tuoi lavori in background",
            "Je achtergrondtaken",
            "Твои фоновые работы",
        ],
    ),
    (
        "memory",
        [
            "Lo que recuerdo de ti",
            "O que me lembro de ti",
            "Ce dont je me souviens sur toi",
            "Was ich über dich weiß",
            "Cosa ricordo di te",
            "Wat ik over je onthoud",
            "Что я помню о тебе",
        ],
    ),
    (
        "facts",
        [
            "Los datos que guardo sobre ti",
            "Os factos que guardo sobre ti",
            "Les faits que je garde sur toi",
            "Die Fakten, die ich über dich speichere",
            "I fatti che conservo su di te",
            "De feiten die ik over je bewaar",
            "Факты, которые я храню о тебе",
        ],
    ),
    (
        "history",
        [
            "Nuestras conversaciones anteriores",
            "As nossas conversas anteriores",
            "Nos conversations précédentes",
            "Unsere früheren Gespräche",
            "Le nostre conversazioni precedenti",
            "Onze eerdere gesprekken",
            "Наши прошлые разговоры",
        ],
    ),
    (
        "forget",
        [
            "Empezar una conversación nueva",
            "Começar uma conversa nova",
            "Commencer une nouvelle conversation",
            "Ein neues Gespräch beginnen",
            "Iniziare una nuova conversazione",
            "Een nieuw gesprek beginnen",
            "Начать новый разговор",
        ],
    ),
    (
        "language",
        [
            "Ver o elegir el idioma de mis respuestas",
            "Ver ou escolher a língua das minhas respostas",
            "Voir ou choisir la langue de mes réponses",
            "Meine Antwortsprache anzeigen oder festlegen",
            "Vedere o scegliere la lingua delle mie risposte",
            "Mijn antwoordtaal bekijken of instellen",
            "Показать или выбрать язык моих ответов",
        ],
    ),
    (
        "personality",
        [
            "Ver o elegir cómo me comporto",
            "Ver ou escolher como me comporto",
            "Voir ou choisir comment je me comporte",
            "Anzeigen oder festlegen, wie ich mich verhalte",
            "Vedere o scegliere come mi comporto",
            "Bekijken of instellen hoe ik me gedraag",
            "Показать или выбрать, как я себя веду",
        ],
    ),
    (
        "projects",
        [
            "Tus proyectos",
            "Os teus projetos",
            "Tes projets",
            "Deine Projekte",
            "I tuoi progetti",
            "Je projecten",
            "Твои проекты",
        ],
    ),
    (
        "project",
        [
            "Activar un proyecto: /project NOMBRE o /project off",
            "Ativar um projeto: /project NOME ou /project off",
            "Activer un projet : /project NOM ou /project off",
            "Ein Projekt aktivieren: /project NAME oder /project off",
            "Attivare un progetto: /project NOME o /project off",
            "Een project activeren: /project NAAM of /project off",
            "Включить проект: /project ИМЯ или /project off",
        ],
    ),
    (
        "skills",
        [
            "Habilidades instaladas",
            "Competências instaladas",
            "Compétences installées",
            "Installierte Fähigkeiten",
            "Abilità installate",
            "Geïnstalleerde vaardigheden",
            "Установленные навыки",
        ],
    ),
    (
        "heartbeat",
        [
            "La lista de comprobaciones periódicas",
            "A lista de verificações periódicas",
            "La liste de vérifications périodiques",
            "Die Liste der regelmäßigen Prüfungen",
            "L'elenco dei controlli periodici",
            "De lijst met periodieke controles",
            "Список периодических проверок",
        ],
    ),
    (
        "learning",
        [
            "Lo que aprendí contigo",
            "O que aprendi contigo",
            "Ce que j'ai appris avec toi",
            "Was ich mit dir gelernt habe",
            "Cosa ho imparato con te",
            "Wat ik met je heb geleerd",
            "Чему я научился с тобой",
        ],
    ),
    (
        "usage",
        [
            "Lo que gastaste hoy tú (y todos)",
            "O que gastaste hoje tu (e todos)",
            "Ce que tu as dépensé aujourd'hui (et tout le monde)",
            "Was du (und alle) heute ausgegeben habt",
            "Quanto hai speso oggi tu (e tutti)",
            "Wat jij (en iedereen) vandaag hebt uitgegeven",
            "Сколько ты (и все) потратили сегодня",
        ],
    ),
    (
        "context",
        [
            "Qué contiene mi próximo prompt y cuántos tokens ocupa cada parte",
            "O que contém o meu próximo prompt e quantos tokens ocupa cada parte",
            "Ce que contient mon prochain prompt et combien de tokens prend chaque partie",
            "Was mein nächster Prompt enthält und wie viele Tokens jeder Teil braucht",
            "Cosa contiene il mio prossimo prompt e quanti token occupa ogni parte",
            "Wat mijn volgende prompt bevat en hoeveel tokens elk deel kost",
            "Что содержит мой следующий промпт и сколько токенов занимает каждая часть",
        ],
    ),
    (
        "status",
        [
            "Cómo está Omega",
            "Como está o Omega",
            "Comment va Omega",
            "Wie es Omega geht",
            "Come sta Omega",
            "Hoe het met Omega gaat",
            "Как дела у Omega",
        ],
    ),
    (
        "purge",
        [
            "Borrar todo lo que sé de ti",
            "Apagar tudo o que sei sobre ti",
            "Effacer tout ce que je sais sur toi",
            "Alles löschen, was ich über dich weiß",
            "Cancellare tutto ciò che so di te",
            "Alles wissen wat ik over je weet",
            "Удалить всё, что я о тебе знаю",
        ],
    ),
    (
        "link",
        [
            "Compartir tu memoria con tu cuenta en otro canal",
            "Partilhar a tua memória com a tua conta noutro canal",
            "Partager ta mémoire avec ton compte sur un autre canal",
            "Dein Gedächtnis mit deinem Konto auf einem anderen Kanal teilen",
            "Condividere la tua memoria con il tuo account su un altro canale",
            "Je geheugen delen met je account op een ander kanaal",
            "Поделиться памятью со своим аккаунтом в другом канале",
        ],
    ),
    (
        "unlink",
        [
            "Dejar de compartir la memoria con otro canal",
            "Deixar de partilhar a memória com outro canal",
            "Arrêter de partager la mémoire avec un autre canal",
            "Das Gedächtnis nicht mehr mit einem anderen Kanal teilen",
            "Smettere di condividere la memoria con un altro canale",
            "Stoppen met het delen van je geheugen met een ander kanaal",
            "Перестать делиться памятью с другим каналом",
        ],
    ),
    (
        "approve",
        [
            "Dejar entrar a alguien que recibió un código de emparejamiento",
            "Deixar entrar alguém que recebeu um código de emparelhamento",
            "Laisser entrer quelqu'un qui a reçu un code d'appairage",
            "Jemanden mit einem Kopplungscode hereinlassen",
            "Far entrare chi ha ricevuto un codice di abbinamento",
            "Iemand met een koppelcode toelaten",
            "Впустить того, кто получил код сопряжения",
        ],
    ),
    (
        "whatsapp",
        [
            "Vincular WhatsApp: el código QR para escanear con tu teléfono",
            "Ligar o WhatsApp: o código QR para ler com o telemóvel",
            "Lier WhatsApp : le code QR à scanner avec ton téléphone",
            "WhatsApp verknüpfen: der QR-Code zum Scannen mit dem Handy",
            "Collegare WhatsApp: il codice QR da scansionare con il telefono",
            "WhatsApp koppelen: de QR-code om met je telefoon te scannen",
            "Подключить WhatsApp: QR-код для сканирования телефоном",
        ],
    ),
];

/// `/help`, in `lang`.
pub fn help_text(agent_name: &str, lang: Lang) -> String {
    let mut out = format!("{}\n\n{}\n", lang.of(&INTRO).replace("{name}", agent_name), lang.of(&COMMANDS));
    for (name, english) in MENU {
        let what = match lang {
            Lang::En => english,
            other => MENU_TEXT
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, t)| &t[other as usize - 1])
                .unwrap_or(english),
        };
        out.push_str(&format!("/{name} — {what}\n"));
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_is_described_in_every_language_and_nothing_else_is() {
        for (name, _) in MENU {
            assert!(MENU_TEXT.iter().any(|(n, _)| n == name), "/{name} has no translations");
        }
        for (name, texts) in MENU_TEXT {
            assert!(MENU.iter().any(|(n, _)| n == name), "translations for an unknown command /{name}");
            assert!(texts.iter().all(|t| !t.trim().is_empty()), "/{name} has an empty translation");
        }
        for lang in Lang::ALL {
            let help = help_text("Omega", lang);
            assert!(help.contains("Omega"), "{lang:?}");
            assert_eq!(help.matches("\n/").count(), MENU.len(), "{lang:?}: every command once");
        }
    }

    #[test]
    fn a_stored_language_is_read_by_code_or_by_name() {
        assert_eq!(Lang::parse("pt"), Some(Lang::Pt));
        assert_eq!(Lang::parse("pt-BR"), Some(Lang::Pt));
        assert_eq!(Lang::parse("Brazilian Portuguese"), Some(Lang::Pt));
        assert_eq!(Lang::parse("português"), Some(Lang::Pt));
        assert_eq!(Lang::parse("Deutsch"), Some(Lang::De));
        assert_eq!(Lang::parse("русский"), Some(Lang::Ru));
        assert_eq!(Lang::parse("Klingon"), None);
        assert!(help_text("Omega", Lang::Pt).starts_with("Sou o Omega, o teu agente pessoal de IA."));
    }
}
