use super::ast::*;
use super::parse;

fn ok(text: &str) -> File {
    let (file, diags) = parse(0, text);
    assert!(diags.is_empty(), "unexpected diagnostics: {diags:#?}");
    file
}

fn errors(text: &str) -> Vec<(String, String)> {
    let (_, diags) = parse(0, text);
    diags
        .into_iter()
        .map(|d| {
            (
                d.code.to_string(),
                text[d.span.start.min(text.len())..d.span.end.min(text.len())].to_string(),
            )
        })
        .collect()
}

#[test]
fn parses_the_language_examples() {
    let file = ok(r#"
use sagemaker                       // unqualified actions and keys resolve to sagemaker:…

const approved_instances = ["ml.c5.large", "ml.m5.large", "ml.t3.medium", "system"]

/// Data scientists may only start Studio apps on approved instance types.
@control("whitepaper:G02")
scp LimitInstanceTypesforNotebooks {
    deny CreateApp
        unless InstanceTypes all like approved_instances
}

scp LockDownStudioDomain {
    deny sagemaker:CreateDomain
        unless sagemaker:AppNetworkAccessType == "VpcOnly"
           and sagemaker:VpcSubnets present
           and sagemaker:VpcSecurityGroupIds present
}

policy StudioAccessOwnProfileOnly {
    allow sagemaker:CreatePresignedDomainUrl
        when sagemaker:ResourceTag/studiouserid == ${aws:PrincipalTag/studiouserid}
}

key_policy CloudWatchLogsEncryption {
    allow service "logs.region.amazonaws.com"
        to ["kms:Encrypt*", "kms:Decrypt*", kms:ReEncrypt*, kms:GenerateDataKey*, "kms:Describe*"]
        when kms:EncryptionContext:aws:logs:arn like "arn:aws:logs:region:account-id:*"
}

test "approved types pass" for LimitInstanceTypesforNotebooks {
    sagemaker:CreateApp { sagemaker:InstanceTypes = ["ml.t3.medium"] } => allow
    sagemaker:CreateApp { } => deny (explicit)
}
"#);
    assert_eq!(file.items.len(), 7);
    let Item::Policy(p) = &file.items[2] else {
        panic!("not a policy")
    };
    assert_eq!(p.name.node, "LimitInstanceTypesforNotebooks");
    assert_eq!(
        p.docs,
        vec!["Data scientists may only start Studio apps on approved instance types."]
    );
    assert_eq!(p.annotations[0].arg.node, "whitepaper:G02");
    let rule = &p.rules[0];
    let Some(unless) = &rule.unless else {
        panic!("no unless")
    };
    let CondKind::Cmp(cmp) = &unless.node else {
        panic!("not a comparison")
    };
    assert_eq!(cmp.key.node, "InstanceTypes");
    assert_eq!(
        cmp.quantifier.as_ref().map(|q| q.node),
        Some(Quantifier::All)
    );
    assert_eq!(cmp.op.node, CmpOp::Like);
    let Item::Policy(k) = &file.items[5] else {
        panic!("not a policy")
    };
    assert_eq!(k.rules[0].principals[0].kind.node, PrincipalKind::Service);
    let Item::Test(t) = &file.items[6] else {
        panic!("not a test")
    };
    assert_eq!(t.cases[1].expect.node, Expectation::ExplicitDeny);
}

#[test]
fn precedence_not_and_or() {
    let file = ok("scp P { deny a:b when not x:k present and x:l == \"v\" or (x:m < 3) }");
    let Item::Policy(p) = &file.items[0] else {
        panic!()
    };
    let Some(when) = &p.rules[0].when else {
        panic!()
    };
    let CondKind::Or(parts) = &when.node else {
        panic!("top is not or: {when:?}")
    };
    assert!(matches!(parts[0].node, CondKind::And(_)));
    let CondKind::And(conj) = &parts[0].node else {
        panic!()
    };
    assert!(matches!(conj[0].node, CondKind::Not(_)));
}

#[test]
fn except_forms() {
    let file = ok("scp P { deny * except [iam:Get*, \"sts:*\"] on * except [\"arn:aws:s3:::b\"] }");
    let Item::Policy(p) = &file.items[0] else {
        panic!()
    };
    assert!(matches!(p.rules[0].actions.node, ActionSpec::AllExcept(ref l) if l.len() == 2));
    assert!(matches!(
        p.rules[0].resources.as_ref().map(|r| &r.node),
        Some(ResourceSpec::AllExcept(_))
    ));
}

#[test]
fn spans_are_kept_out_of_equality() {
    let a = ok("scp P { deny a:b when k:x == \"v\" }");
    let b = ok("scp   P {\n  deny a:b\n    when k:x == \"v\"\n}\n");
    assert_eq!(a, b);
}

#[test]
fn string_escapes() {
    let file = ok(r#"const c = ["a\"b", "tab\t", "\u{41}"]"#);
    let Item::Const(c) = &file.items[0] else {
        panic!()
    };
    let vals: Vec<_> = c.values.node.iter().map(|v| v.node.clone()).collect();
    assert_eq!(
        vals,
        vec![
            Value::Str("a\"b".into()),
            Value::Str("tab\t".into()),
            Value::Str("A".into())
        ]
    );
    assert_eq!(
        errors(r#"const c = ["a\qb"]"#),
        vec![("E0005".to_string(), "\\q".to_string())]
    );
}

#[test]
fn reports_every_broken_item_and_rule() {
    let text = "scp A { deny a:b when }\nscp B { deny c:d }\nscp C { deny e:f when k == }\n";
    let errs = errors(text);
    assert_eq!(errs.len(), 2, "{errs:?}");
    let (file, _) = parse(0, text);
    assert_eq!(file.items.len(), 3, "all three policies are kept");
    let text = "scp A {\n deny a:b when\n deny c:d\n allow e:f when k ==\n}";
    let errs = errors(text);
    assert_eq!(errs.len(), 2, "{errs:?}");
}

#[test]
fn bad_inputs_are_diagnostics() {
    assert!(errors("").is_empty());
    assert!(errors("\u{FEFF}use s3\r\n\tconst a = [\"x\"]\r\n").is_empty());
    assert_eq!(errors("scp P { deny a:b when k == \"open }")[0].0, "E0002");
    assert_eq!(errors("/* open")[0].0, "E0003");
    let deep = format!(
        "scp P {{ deny a:b when {}k present{} }}",
        "(".repeat(10_000),
        ")".repeat(10_000)
    );
    assert_eq!(errors(&deep)[0].0, "E0004");
    let many_nots = format!(
        "scp P {{ deny a:b when {} k present }}",
        "not ".repeat(10_000)
    );
    assert_eq!(errors(&many_nots)[0].0, "E0004");
    let some_nots = format!("scp P {{ deny a:b when {} k present }}", "not ".repeat(64));
    assert!(errors(&some_nots).is_empty());
    let big_string = format!("const c = [\"{}\"]", "x".repeat(1 << 20));
    assert!(errors(&big_string).is_empty());
    assert_eq!(errors("scp P { allow }")[0].0, "E0001");
}

#[test]
fn error_messages_name_what_was_expected() {
    let (_, diags) = parse(0, "scp P { deny a:b when k:x === \"v\" }");
    assert_eq!(diags.len(), 1);
    assert!(
        diags[0].message.starts_with("expected"),
        "{}",
        diags[0].message
    );
}

#[test]
fn modifiers_follow_the_operand() {
    let file = ok(
        "scp P { deny a:b when k:x not like \"a*\"   as\tstring and k:y in [\"A\"] ignoring case or k:z == \"arn:aws:s3:::b\" as arn }",
    );
    let mut found = Vec::new();
    fn walk(c: &Cond, found: &mut Vec<Option<Modifier>>) {
        match &c.node {
            CondKind::Cmp(cmp) => found.push(cmp.modifier.as_ref().map(|m| m.node)),
            CondKind::And(v) | CondKind::Or(v) => v.iter().for_each(|c| walk(c, found)),
            CondKind::Not(c) => walk(c, found),
        }
    }
    let Item::Policy(p) = &file.items[0] else {
        panic!("a policy")
    };
    walk(p.rules[0].when.as_ref().unwrap(), &mut found);
    assert_eq!(
        found,
        [
            Some(Modifier::AsString),
            Some(Modifier::IgnoringCase),
            Some(Modifier::AsArn)
        ]
    );
    // The words are contextual: a constant may still be called `as`.
    ok("const as = [\"x\"]\nscp P { deny a:b when k:x in as }");
    assert_eq!(
        crate::format::format_source(0, "scp P { deny a:b when k:x == \"v\"  ignoring   case }\n")
            .unwrap(),
        "scp P {\n    deny a:b\n        when k:x == \"v\" ignoring case\n}\n"
    );
}

/// pest does not probe the stack (it is built without `std`): the deepest
/// nesting the scanner lets through must parse on half the 2 MiB a worker
/// thread gets, in a debug build (whose frames are several times larger).
#[test]
fn the_deepest_nesting_allowed_parses_on_a_small_stack() {
    let depth = super::scan::MAX_NESTING - 2;
    let text = format!(
        "scp P {{ deny a:b when {}k in [\"x\"]{} }}",
        "(not ".repeat(depth),
        ")".repeat(depth)
    );
    assert!(super::scan::split_items(&text).errors.is_empty());
    let parsed = std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(move || super::parse_item(&text, 0).is_ok())
        .unwrap()
        .join()
        .unwrap();
    assert!(parsed);
}
