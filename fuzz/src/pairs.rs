//! Small policies drawn from fuzz bytes, for the exactness of the diff: two
//! versions of one policy over a few actions, keys and values, and a pool of
//! requests over wider values than either version mentions. Every request
//! whose decision differs must be reported, and every reported witness must
//! really differ as stated (`fuzz_targets/diff_exact.rs`).
//!
//! The bytes are read as choices (each byte picks from a list, modulo its
//! length); when they run out every choice is the first, so any input makes
//! a pair and a mutation changes one choice.

use gov::eval::Request;

/// Choices read from fuzz bytes.
pub struct Choices<'a> {
    bytes: &'a [u8],
}

impl<'a> Choices<'a> {
    pub fn new(bytes: &'a [u8]) -> Choices<'a> {
        Choices { bytes }
    }

    fn byte(&mut self) -> u8 {
        match self.bytes.split_first() {
            Some((&b, rest)) => {
                self.bytes = rest;
                b
            }
            None => 0,
        }
    }

    /// One of `items` (never empty).
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        let i = usize::from(self.byte()) % items.len();
        items[i]
    }

    /// A number in `1..=max`.
    pub fn count(&mut self, max: u8) -> usize {
        usize::from(self.byte() % max) + 1
    }

    /// One to three of `items`, joined as a `.gov` list.
    fn list(&mut self, items: &[&str]) -> String {
        let n = self.count(3);
        let picked: Vec<&str> = (0..n).map(|_| self.pick(items)).collect();
        format!("[{}]", picked.join(", "))
    }
}

pub const CREATE_APP: &str = "sagemaker:CreateApp";
pub const DESCRIBE: &str = "sagemaker:DescribeDomain";
pub const GET: &str = "s3:GetObject";

/// The kinds of the pair: both versions have the same kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Scp,
    Rcp,
    Identity,
    Resource,
}

impl Kind {
    fn keyword(self) -> &'static str {
        match self {
            Kind::Scp => "scp",
            Kind::Rcp => "rcp",
            Kind::Identity => "policy",
            Kind::Resource => "resource_policy",
        }
    }
}

const TEAMS: &[&str] = &["\"a\"", "\"b\"", "\"ab\"", "\"\"", "\"A\""];
const GLOBS: &[&str] = &["\"a*\"", "\"*b\"", "\"?b\"", "\"a?\"", "\"*\"", "\"a*b\""];
const CIDRS: &[&str] = &[
    "\"10.0.0.0/8\"",
    "\"10.1.0.0/16\"",
    "\"10.1.2.0/24\"",
    "\"192.0.2.0/24\"",
    "\"10.1.2.3\"",
    "\"2001:db8::/32\"",
];
const NUMBERS: &[&str] = &["50", "100", "50.5", "0"];
const TYPES: &[&str] = &[
    "\"ml.t3.medium\"",
    "\"ml.m5.large\"",
    "\"system\"",
    "\"ml.t3.*\"",
    "\"ml.*\"",
];
const PRINCIPAL_ARNS: &[&str] = &[
    "\"arn:aws:iam::*:role/a*\"",
    "\"arn:aws:iam::111122223333:*\"",
    "\"arn:aws:iam::111122223333:role/ab\"",
    "\"arn:*:iam::*:user/*\"",
];
const DATES: &[&str] = &["\"2020-01-01T00:00:00Z\"", "\"2024-06-30T12:00:00Z\""];

/// One comparison; `typed`: `sagemaker:InstanceTypes` may be used (only with
/// `CreateApp`, the action that supports it).
fn atom(c: &mut Choices<'_>, typed: bool) -> String {
    let team = "aws:PrincipalTag/team";
    let choice = c.pick(&[0u8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    match choice {
        0 => format!("{team} {} {}", c.pick(&["==", "!="]), c.pick(TEAMS)),
        1 => format!("{team} {} {}", c.pick(&["in", "not in"]), c.list(TEAMS)),
        2 => format!("{team} {} {}", c.pick(&["like", "not like"]), c.list(GLOBS)),
        3 => format!("{team} {}", c.pick(&["present", "absent"])),
        4 => format!("{team} == ${{aws:username}}"),
        5 => format!(
            "{team} {} {} ignoring case",
            c.pick(&["in", "not in"]),
            c.list(TEAMS)
        ),
        6 => format!(
            "aws:SourceIp {} {}",
            c.pick(&["in", "not in"]),
            c.list(CIDRS)
        ),
        7 => format!(
            "aws:MultiFactorAuthAge {} {}",
            c.pick(&["<", "<=", ">", ">="]),
            c.pick(NUMBERS)
        ),
        8 => format!("aws:SecureTransport == {}", c.pick(&["true", "false"])),
        9 => format!(
            "aws:PrincipalArn {} {}",
            c.pick(&["like", "not like"]),
            c.list(PRINCIPAL_ARNS)
        ),
        10 => format!("aws:CurrentTime {} {}", c.pick(&["<", ">="]), c.pick(DATES)),
        11 | 12 if typed => format!(
            "sagemaker:InstanceTypes {} {}",
            c.pick(&[
                "any in",
                "all in",
                "any not in",
                "all not in",
                "any like",
                "all like",
                "any not like",
                "all not like",
            ]),
            c.list(TYPES)
        ),
        13 if typed => format!("sagemaker:InstanceTypes {}", c.pick(&["present", "absent"])),
        _ => format!("{team} {}", c.pick(&["present", "absent"])),
    }
}

/// A condition of up to three comparisons, or none.
fn condition(c: &mut Choices<'_>, typed: bool) -> String {
    match c.pick(&[0u8, 1, 2, 3, 4, 5, 6]) {
        0 => String::new(),
        1 => format!(" when {}", atom(c, typed)),
        2 => format!(" unless {}", atom(c, typed)),
        3 => format!(" when {} and {}", atom(c, typed), atom(c, typed)),
        4 => format!(" when {} or {}", atom(c, typed), atom(c, typed)),
        5 => format!(" when {} unless {}", atom(c, typed), atom(c, typed)),
        _ => format!(
            " when not ({} or {}) and {}",
            atom(c, typed),
            atom(c, typed),
            atom(c, typed)
        ),
    }
}

const RESOURCES: &[&str] = &[
    "\"arn:aws:s3:::b/*\"",
    "\"arn:aws:s3:::b/a*\"",
    "\"arn:aws:s3:::b/?b\"",
    "\"arn:aws:s3:::*/x\"",
    "\"arn:aws:s3:::b/a:*\"",
    "\"arn:aws:s3:::b/${aws:username}/*\"",
];

const PRINCIPALS: &[&str] = &[
    "aws \"111122223333\"",
    "aws \"arn:aws:iam::111122223333:role/ab\"",
    "service \"logs.amazonaws.com\"",
    "anyone",
];

fn rule(c: &mut Choices<'_>, kind: Kind) -> String {
    let effect = match kind {
        Kind::Scp | Kind::Rcp => "deny",
        Kind::Identity | Kind::Resource => c.pick(&["allow", "allow", "deny"]),
    };
    let principals = match kind {
        Kind::Resource => {
            let n = c.count(2);
            let picked: Vec<&str> = (0..n).map(|_| c.pick(PRINCIPALS)).collect();
            format!("{} to ", picked.join(", "))
        }
        _ => String::new(),
    };
    // A resource policy's statements need a resource; the others may leave
    // it out for `*`.
    let on = |c: &mut Choices<'_>| match kind {
        Kind::Resource => " on \"*\"".to_string(),
        _ => match c.pick(&[0u8, 1]) {
            0 => String::new(),
            _ => " on *".to_string(),
        },
    };
    match c.pick(&[0u8, 1, 2, 3]) {
        0 => {
            let except = c.pick(&["", "* except "]);
            let resources = c.list(RESOURCES);
            let cond = condition(c, false);
            format!("    {effect} {principals}{GET} on {except}{resources}{cond}\n")
        }
        1 => {
            let on = on(c);
            let cond = condition(c, true);
            format!("    {effect} {principals}{CREATE_APP}{on}{cond}\n")
        }
        2 => {
            let on = on(c);
            let cond = condition(c, false);
            format!("    {effect} {principals}{DESCRIBE}{on}{cond}\n")
        }
        _ => {
            let on = on(c);
            let cond = condition(c, false);
            format!("    {effect} {principals}[{CREATE_APP}, {DESCRIBE}]{on}{cond}\n")
        }
    }
}

fn policy(c: &mut Choices<'_>, kind: Kind) -> String {
    let n = c.count(3);
    let rules: String = (0..n).map(|_| rule(c, kind)).collect();
    format!("{} P {{\n{rules}}}\n", kind.keyword())
}

/// Two versions of one policy `P`, of one kind.
pub fn pair(bytes: &[u8]) -> (Kind, String, String) {
    let mut c = Choices::new(bytes);
    let kind = c.pick(&[
        Kind::Scp,
        Kind::Identity,
        Kind::Identity,
        Kind::Rcp,
        Kind::Resource,
    ]);
    let old = policy(&mut c, kind);
    let new = policy(&mut c, kind);
    (kind, old, new)
}

/// Requests over value pools wider than the values the policies mention: a
/// deterministic walk through part of their product.
pub fn requests() -> Vec<Request> {
    let teams: [Option<&str>; 8] = [
        None,
        Some("a"),
        Some("b"),
        Some("ab"),
        Some("abb"),
        Some(""),
        Some("A"),
        Some("xb"),
    ];
    let users: [Option<&str>; 3] = [None, Some("a"), Some("z")];
    let ips: [Option<&str>; 6] = [
        None,
        Some("10.0.0.1"),
        Some("10.1.2.3"),
        Some("10.1.9.9"),
        Some("172.16.0.1"),
        Some("2001:db8::1"),
    ];
    let ages: [Option<&str>; 6] = [
        None,
        Some("0"),
        Some("50"),
        Some("50.25"),
        Some("75"),
        Some("5000"),
    ];
    let secure: [Option<&str>; 3] = [None, Some("true"), Some("false")];
    let times: [Option<&str>; 4] = [
        None,
        Some("2019-12-31T23:59:59Z"),
        Some("2020-01-01T00:00:00Z"),
        Some("2030-01-01T00:00:00Z"),
    ];
    let principals: [Option<&str>; 5] = [
        None,
        Some("arn:aws:iam::111122223333:role/ab"),
        Some("arn:aws:iam::111122223333:role/b"),
        Some("arn:aws:iam::444455556666:user/u"),
        Some("logs.amazonaws.com"),
    ];
    let resources: [Option<&str>; 8] = [
        None,
        Some("arn:aws:s3:::b/x"),
        Some("arn:aws:s3:::b/ab"),
        Some("arn:aws:s3:::b/a/x"),
        Some("arn:aws:s3:::c/x"),
        Some("arn:aws:s3:::b/bb"),
        Some("arn:aws:s3:::b/a:b"),
        Some("arn:aws:s3:::b/z/y"),
    ];
    let types: [&[&str]; 6] = [
        &[],
        &["ml.t3.medium"],
        &["ml.g5.xlarge"],
        &["system", "ml.t3.large"],
        &["ml.t3.medium", "ml.m5.large"],
        &["ml.p4d.24xlarge", "system", "ml.t3.medium"],
    ];
    let mut out = Vec::new();
    let mut n: usize = 0;
    for team in teams {
        for user in users {
            for ip in ips {
                for age in ages {
                    n += 1;
                    for action in [CREATE_APP, DESCRIBE, GET] {
                        if action == DESCRIBE && !n.is_multiple_of(5) {
                            continue;
                        }
                        let mut r = Request::new(action);
                        if action == GET {
                            r.resource = resources[(n / 2) % resources.len()].map(str::to_string);
                        }
                        let principal = principals[(n / 3) % principals.len()];
                        r.principal = principal.map(str::to_string);
                        let mut set = |k: &str, v: Option<&str>| {
                            if let Some(v) = v {
                                r.set_key(k, [v]);
                            }
                        };
                        set("aws:PrincipalTag/team", team);
                        set("aws:username", user);
                        set("aws:SourceIp", ip);
                        set("aws:MultiFactorAuthAge", age);
                        set("aws:SecureTransport", secure[n % secure.len()]);
                        set("aws:CurrentTime", times[(n / 7) % times.len()]);
                        // The principal's keys, as AWS sets them (the diff reads
                        // the principal from them).
                        match principal {
                            Some(p) if p.starts_with("arn:") => set("aws:PrincipalArn", principal),
                            Some(_) => set("aws:PrincipalServiceName", principal),
                            None => {}
                        }
                        if action == CREATE_APP {
                            let t = types[(n / 4) % types.len()];
                            r.set_key("sagemaker:InstanceTypes", t.iter().copied());
                        }
                        out.push(r);
                    }
                }
            }
        }
    }
    out
}
