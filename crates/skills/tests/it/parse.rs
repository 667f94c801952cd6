use omega_skills::{
    Availability, McpServer, availability, bundled::BUNDLED, parse_role, parse_skill, valid_name,
};

#[test]
fn yaml_frontmatter_in_the_agent_skills_layout() {
    let s = parse_skill(
        "weather",
        "---\nname: weather\ndescription: Forecasts for any place.\nlicense: MIT\nallowed-tools: Bash\n---\n\n# Weather\n\nUse curl.\n",
    )
    .unwrap();
    assert_eq!((s.name.as_str(), s.description.as_str()), ("weather", "Forecasts for any place."));
    assert_eq!(s.body, "# Weather\n\nUse curl.");
    assert!(s.triggers.is_empty() && s.mcp.is_empty() && s.requires.bins.is_empty());
}

#[test]
fn every_field_in_yaml() {
    let s = parse_skill(
        "web",
        "---\nname: Web\ndescription: Browse.\nrequires: {bins: [npx, node], env: [BROWSER_KEY]}\nhomepage: https://x.example\n\
         triggers: [browse, web page]\nmcp:\n  playwright:\n    command: npx\n    args: [\"@playwright/mcp\", --headless]\n    env: {DEBUG: \"0\"}\n\
         mcp-fetch: uvx mcp-server-fetch --ignore-robots\n---\nBody\n",
    )
    .unwrap();
    assert_eq!(s.requires.bins, ["npx", "node"]);
    assert_eq!(s.requires.env, ["BROWSER_KEY"]);
    assert_eq!(s.homepage.as_deref(), Some("https://x.example"));
    assert_eq!(s.triggers, ["browse", "web page"]);
    assert_eq!(s.mcp["playwright"].args, ["@playwright/mcp", "--headless"]);
    assert_eq!(s.mcp["playwright"].env["DEBUG"], "0");
    assert_eq!(
        s.mcp["fetch"],
        McpServer {
            command: "uvx".into(),
            args: vec!["mcp-server-fetch".into(), "--ignore-robots".into()],
            env: Default::default()
        },
        "the original's `mcp-NAME: command args` form"
    );
}

#[test]
fn toml_between_pluses_or_dashes_and_the_original_trigger_string() {
    let toml = "name = \"pw\"\ndescription = \"Browser.\"\nrequires = [\"npx\"]\ntrigger = \"browse|navigate| web \"\n\n[mcp.playwright]\ncommand = \"npx\"\nargs = [\"@playwright/mcp\"]\n";
    for fence in ["+++", "---"] {
        let s = parse_skill("pw", &format!("{fence}\n{toml}{fence}\nDo it.\n")).unwrap();
        assert_eq!(s.triggers, ["browse", "navigate", "web"], "{fence}");
        assert_eq!(s.mcp["playwright"].command, "npx");
        assert_eq!(s.requires.bins, ["npx"]);
    }
}

#[test]
fn openclaw_metadata_requirements_count_too() {
    let s = parse_skill("x", "---\ndescription: X.\nmetadata: {\"requires\": {\"bins\": [\"gh\"]}}\n---\n")
        .unwrap();
    assert_eq!(s.requires.bins, ["gh"]);
    assert_eq!(s.name, "x", "no name: the directory's");
}

#[test]
fn broken_files_say_which_line_and_what() {
    let cases = [
        ("# Just markdown\n", 1, "no frontmatter"),
        ("---\nname: x\ndescription: y\n", 1, "never closed"),
        ("---\nname: x\n---\nbody\n", 2, "`description` is missing"),
        ("---\nname: x\ndescription: y\ntriggers: [a, b\n---\n", 5, "invalid YAML"),
        ("+++\nname = \"x\"\ndescription = \"y\"\nrequires = [\"a\",\n+++\n", 5, "invalid TOML"),
        ("---\ndescription: y\nmcp:\n  evil: {command: \"rm -rf /; sh\"}\n---\n", 3, "not a plain program"),
    ];
    for (text, line, what) in cases {
        let e = parse_skill("x", text).unwrap_err();
        assert!(e.message.contains(what), "{text:?}: {e}");
        assert_eq!(e.line, line, "{text:?}: {e}");
    }
}

#[test]
fn requirements_met_and_unmet() {
    let s = parse_skill(
        "t",
        "---\ndescription: T.\nrequires: {bins: [omega-trader, sh], env: [IB_ACCOUNT]}\n---\n",
    )
    .unwrap();
    assert_eq!(availability(&s, |_| true, |_| true), Availability::Available);
    let missing = availability(&s, |b| b == "sh", |_| false);
    assert_eq!(
        missing,
        Availability::Missing(vec![
            "`omega-trader` is not on the tools' PATH".into(),
            "$IB_ACCOUNT is not set".into()
        ])
    );
    assert!(!missing.is_available());
}

#[test]
fn bundled_skills_parse_and_name_what_they_need() {
    for (dir, text) in BUNDLED {
        let s = parse_skill(dir, text).unwrap_or_else(|e| panic!("{dir}: {e}"));
        assert!(!s.triggers.is_empty(), "{dir} has triggers");
        assert!(s.body.contains("## Lessons Learned"), "{dir} has a place for lessons");
    }
    let trader =
        BUNDLED.iter().find(|(d, _)| *d == "trader").map(|(d, t)| parse_skill(d, t).unwrap()).unwrap();
    assert_eq!(trader.requires.bins, ["omega-trader"]);
    assert!(trader.body.contains("paper account"));
    let browser =
        BUNDLED.iter().find(|(d, _)| *d == "browser").map(|(d, t)| parse_skill(d, t).unwrap()).unwrap();
    assert_eq!(browser.mcp["playwright"].command, "playwright-mcp");
    assert_eq!(browser.requires.bins, ["playwright-mcp"], "unavailable until the person installs it");
}

#[test]
fn roles_with_and_without_frontmatter() {
    let p =
        parse_role("trading", "---\nskills: [trader]\nmodel: opus\n---\nYou are my trading desk.\n").unwrap();
    assert_eq!(
        (p.role.as_str(), p.skills.as_slice(), p.model.as_deref()),
        ("You are my trading desk.", &["trader".to_owned()][..], Some("opus"))
    );
    let p = parse_role("move", "+++\nskills = [\"browser\"]\n+++\nHelp me move house.\n").unwrap();
    assert_eq!(p.skills, ["browser"]);
    let p = parse_role("plain", "Just a role.\n").unwrap();
    assert_eq!((p.role.as_str(), p.skills.len()), ("Just a role.", 0));
    assert_eq!(parse_role("bad", "---\nskills: [a\n---\n").unwrap_err().line, 3);
}

#[test]
fn names_are_one_plain_path_component() {
    for ok in ["weather", "home-lights", "trader_2", "v1.2"] {
        assert!(valid_name(ok), "{ok}");
    }
    for bad in ["", ".", "..", "../x", "a/b", ".hidden", "a\\b", "x y"] {
        assert!(!valid_name(bad), "{bad:?}");
    }
}
