//! The registry of diagnostic codes: one entry per code, with its severity,
//! a title and a one-paragraph explanation. Every diagnostic gov reports takes
//! its code (and severity) from here; `tests/codes.rs` checks that each entry
//! has a rendered example and a README row, and that nothing else mints codes.

use super::Severity;

/// One diagnostic code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Code {
    /// `E0102`, `W0201`, …: stable across releases.
    pub id: &'static str,
    pub severity: Severity,
    /// What went wrong, in a few words (lowercase, no final period).
    pub title: &'static str,
    /// Why it matters and what to do, in full sentences.
    pub explanation: &'static str,
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.id == *other
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.id == other
    }
}

/// Codes order by id.
impl Ord for Code {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.id.cmp(other.id)
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

macro_rules! registry {
    ($($id:ident $severity:ident $title:literal $explanation:literal;)*) => {
        $(
            #[doc = $title]
            pub const $id: Code = Code {
                id: stringify!($id),
                severity: Severity::$severity,
                title: $title,
                explanation: $explanation,
            };
        )*
        /// Every code, in order.
        pub const ALL: &[Code] = &[$($id),*];
    };
}

/// The code with this id, if there is one.
pub fn lookup(id: &str) -> Option<Code> {
    ALL.iter().copied().find(|c| c.id.eq_ignore_ascii_case(id))
}

registry! {
    // ---- syntax ---------------------------------------------------------
    E0001 Error "unexpected input"
        "The text does not follow the grammar of `.gov` files at this point. The label says what was expected instead.";
    E0002 Error "unterminated string"
        "A string opened with `\"` has no closing `\"` on the same line. Strings cannot span lines; write `\\n` for a line break.";
    E0003 Error "unterminated comment"
        "A `/*` comment has no closing `*/`, so the rest of the file would be a comment.";
    E0004 Error "nesting too deep"
        "Parentheses or `not` chains are nested deeper than gov accepts (64 levels). Such nesting is never needed; it is refused so that a hostile file cannot exhaust the stack.";
    E0005 Error "bad escape"
        "Strings accept the escapes `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{…}`; any other backslash sequence is an error rather than a guess.";
    E0006 Error "file too large"
        "A source file is over gov's size limit. gov reads at most the limit and refuses the file, so a device or a huge file cannot exhaust memory.";
    E0007 Error "not UTF-8"
        "Source files must be valid UTF-8.";
    E0008 Error "formatting would change the meaning"
        "`gov fmt` re-parses what it would write and compares it with the original tree; they differed, so the file was left as it was. This is a defect of the formatter: please report it with the file.";
    E0010 Error "constant defined twice"
        "Two `const` declarations visible in one file share a name; every use would be ambiguous.";
    E0012 Error "empty control"
        "`@control(\"…\")` names the compliance control a policy implements; an empty or blank name records nothing in the manifest.";

    // ---- names ----------------------------------------------------------
    E0101 Error "unknown service"
        "A `use` names a service prefix that is not in the catalog of AWS services, so the names it would resolve have no service to resolve in; check the spelling or update the catalog.";
    E0102 Error "unknown or malformed action"
        "The action is not of the form `service:Action`, or is written without a prefix and none of the used services has it. An action named in full that the catalog lacks is W0103.";
    E0103 Error "unknown condition key"
        "The condition key is neither a global key nor a key of the named service. IAM treats an unknown key as absent, which silently changes what the condition means.";
    E0104 Error "unknown constant"
        "The name is used as a constant but no `const` of that name is visible (in this file or an imported one).";
    E0105 Error "import cycle"
        "Files import each other in a cycle; constants could not be resolved in any order.";
    E0106 Error "missing import"
        "The file named by `import` cannot be read.";
    E0108 Error "no service prefix"
        "An action or key is written without a service prefix and no `use` declaration says which service it belongs to.";
    E0109 Error "ambiguous name"
        "An unqualified action or key exists in more than one used service; write the prefix.";
    E0110 Error "duplicate policy"
        "Two policies share a name. The name becomes the output file name, so both cannot be written.";
    E0111 Error "unknown policy in a test"
        "A `test` block names a policy that does not exist.";
    E0113 Error "`* except *`"
        "`* except *` excepts every action and so names none.";
    E0114 Error "pattern in a test case"
        "A test case is one request, and a request is for one action; a pattern names many.";
    E0115 Error "key given twice in a test case"
        "A test case gives one condition key twice; a request has one set of values per key.";
    E0116 Error "the string \"*\" as an action"
        "Under `use svc`, an unqualified string stays in that service (`\"Send*\"` is `svc:Send*`), so the string `\"*\"` could mean `svc:*` or every action. It is refused: write `*` (unquoted) for every action of every service, or `svc:*` for one service.";

    // ---- types ----------------------------------------------------------
    E0201 Error "operator does not fit the key's type"
        "The comparison does not apply to the condition key's type (for example `<` on a String key). IAM would evaluate a different operator family than the author meant.";
    E0202 Error "malformed ARN"
        "The value is not an ARN of the form `arn:partition:service:region:account:resource`, or holds an unfilled placeholder.";
    E0203 Error "malformed IP address or CIDR"
        "The value is not an IPv4 or IPv6 address or CIDR range.";
    E0204 Error "malformed date"
        "The value is not an ISO 8601 date and time or a number of seconds since the epoch.";
    E0205 Error "malformed number"
        "The value is not a number.";
    E0206 Error "malformed base64"
        "The value is not valid base64.";
    E0207 Error "missing quantifier"
        "The key is multivalued: say whether any value or every value must pass (`any` / `all`, in JSON `ForAnyValue:` / `ForAllValues:`). Without it IAM's meaning is rarely the intended one.";
    E0208 Error "quantifier on a single-valued key"
        "`any` / `all` (`ForAnyValue:` / `ForAllValues:`) apply to multivalued keys; on a single-valued key `ForAllValues` is true when the key is absent, which turns a guardrail into a grant.";
    E0209 Error "policy variable where IAM does not resolve it"
        "IAM resolves `${…}` only in resources and condition values of string and ARN operators; elsewhere it is literal text.";
    E0210 Error "wrong kind of value"
        "The value is not of the kind the key or position expects (a string where a Bool is expected, a number where an action is expected, …).";
    E0211 Error "empty list"
        "A list of values is empty; a condition on it would never hold (or always hold), which is never what is meant.";
    E0212 Error "unknown variable"
        "A policy variable names a condition key the catalog does not know; IAM would leave the condition unresolved.";
    E0213 Error "bad principal"
        "A principal is malformed: not an account id or ARN, a service principal that is not `name.amazonaws.com`, or an unfilled placeholder.";
    E0214 Error "malformed policy variable"
        "A `${` has no closing `}`, or the variable is empty or malformed.";

    // ---- support and kinds ----------------------------------------------
    E0301 Error "key not supported by the action"
        "The action never carries this condition key, so the condition is always false (or always true when negated) for it: the rule cannot do what it says.";
    E0302 Error "principal missing or not allowed"
        "Resource and key policies must name a principal; identity policies, SCPs and RCPs must not.";
    E0303 Error "principal names nobody"
        "A principal element is empty.";
    E0304 Error "policy without rules"
        "A policy has no statements; AWS refuses an empty policy.";
    E0305 Error "allow in an RCP"
        "Resource control policies can only deny (`RCPFullAWSAccess` is the only allow AWS accepts).";
    E0306 Error "`* except` in an RCP"
        "RCPs do not accept `NotAction`.";
    E0307 Error "unknown annotation"
        "The annotation is not one gov knows (`@control`, `@sid`, `@allow`).";
    E0308 Error "invalid statement id"
        "A Sid may hold only ASCII letters and digits.";
    E0309 Error "duplicate statement id"
        "Two statements of one policy share a Sid; AWS refuses the policy.";
    E0310 Error "unknown code in `@allow`"
        "`@allow(\"…\")` names a code gov does not report, so it would silence nothing. Codes are a letter and four digits, such as `W0203`.";
    E0311 Error "an error cannot be allowed"
        "`@allow` silences warnings only. An error means the policy cannot be built as written or would not do what it says; fix the source instead.";
    E0312 Error "`@allow` without a reason"
        "Every `@allow` must say why the warning does not apply (`reason = \"…\"`); the reason is kept with the silenced finding, in SARIF too.";
    E0313 Error "unexpected annotation argument"
        "`@control` and `@sid` take one string, and `@allow` takes codes and one `reason`; anything else is refused rather than ignored.";
    E0320 Error "resource in a trust policy"
        "A role trust policy is attached to the role it protects: its resource is that role. AWS refuses `Resource` and `NotResource` in a trust policy, so a rule of a `trust_policy` names no resource.";
    E0321 Error "action not allowed in a trust policy"
        "A role trust policy says who may assume the role and what they may do to the session: `sts:AssumeRole`, `sts:AssumeRoleWithSAML`, `sts:AssumeRoleWithWebIdentity`, `sts:TagSession`, `sts:SetSourceIdentity`, `sts:SetContext`. Any other action (or a wildcard that reaches one, or `* except`) has no meaning there.";
    E0322 Error "`anyone` in a trust policy"
        "`\"Principal\": \"*\"` in a trust policy would let any principal of any AWS account assume the role, conditions aside; AWS's policy checks refuse it, and `NotPrincipal` (everyone but the principals it lists) with it. Name the accounts, roles, services or identity providers that may assume the role.";
    E0323 Error "boundary that is not an identity policy"
        "A permissions boundary is a managed (identity) policy set on a user or role; `with boundary` in a test names a `policy`.";
    E0324 Error "two resource-side policies in a test"
        "A request reaches one resource, and that resource has one resource-based policy (a bucket policy, a key policy, a role's trust policy). A test evaluates at most one of them with the other policies it names.";

    // ---- lowering -------------------------------------------------------
    E0401 Error "conditions cannot share a statement"
        "Two tests on the same key and operator would have to share one IAM condition entry, and no single entry means their conjunction. gov never approximates: restate the condition (for example as two rules).";
    E0402 Error "rule never matches"
        "After simplification the condition can never hold, so the rule would emit nothing.";
    E0403 Error "too many statements"
        "The condition expands into more IAM statements than gov emits for one rule.";
    E0404 Error "no exact IAM form"
        "The condition has no exact form in IAM's condition language.";

    // ---- emission -------------------------------------------------------
    E0501 Error "over the size limit"
        "The emitted document is larger than AWS accepts for its kind; AWS would refuse it. `--split` spreads the statements over several documents.";
    E0502 Error "one statement over the limit"
        "A single statement is larger than the kind's size limit, so even splitting cannot fit it.";
    E0503 Error "two documents with one file name"
        "Two policies would be written to the same file (names that differ only in case, or a split part colliding with another policy).";
    E0504 Error "not a safe file name"
        "A policy name cannot be used as a file name on every platform.";

    // ---- policy JSON ----------------------------------------------------
    E0601 Error "invalid JSON"
        "The file is not valid JSON.";
    E0602 Error "duplicate JSON key"
        "An object holds the same key twice; AWS keeps one of them, so what is read may not be what was written.";
    E0603 Error "JSON not UTF-8"
        "The policy document (or its URL-decoded form) is not valid UTF-8.";
    E0604 Error "JSON file too large"
        "The JSON file is over gov's size limit for policy documents.";
    E0605 Error "not a policy"
        "The document is not an IAM policy document (an object with `Statement`).";
    E0606 Error "invalid element"
        "An element of the policy is unknown, misspelt or of the wrong JSON type.";
    E0607 Error "unknown operator"
        "The condition operator is not one IAM knows; AWS refuses the policy.";
    E0608 Error "no exact .gov form"
        "The statement has no exact form in the `.gov` language, so it is not imported rather than approximated.";
    E0609 Error "the import would change the meaning"
        "`gov import` compares the original document and the one its `.gov` text compiles to with the exact diff engine, in both directions, before writing anything. They decided the request shown differently, so nothing was written. This is a defect of the importer: please report it with the document.";

    // ---- organizations ----------------------------------------------------
    E0701 Error "unknown policy attached"
        "An `org` attaches a policy by a name no policy has. Nothing would be attached there, so the guardrail the line promises would not apply to any account below it.";
    E0702 Error "policy of the wrong kind attached"
        "Only SCPs and RCPs are attached to the root, OUs and accounts, each under its own keyword: `scp` attaches service control policies, `rcp` resource control policies. An identity policy belongs on users, groups and roles, not on a node of the organization.";
    E0703 Error "account in two places"
        "An account id stands twice in the organization. An AWS account belongs to exactly one OU (or the root), so one of the places is wrong and the guardrails it gets would be a guess.";
    E0704 Error "duplicate node"
        "Two OUs or accounts under one parent have the same name, so their paths (`Root/Workloads/Prod`) are the same and tests, the manifest and `gov eval` could not tell them apart.";
    E0705 Error "OUs nested too deep"
        "AWS Organizations allows OUs five levels deep below the root; a deeper OU cannot be created.";
    E0706 Error "malformed account id"
        "An AWS account id is exactly 12 digits, such as `111122223333`.";
    E0707 Error "second organization"
        "An organization has one root, so the sources may declare one `org`. Put every OU and account under that one.";
    E0708 Error "unknown node in a test"
        "A `test` block names a path (`Root/Sandbox`, `Root/Prod/111122223333`) that is no node of the organization, or no `org` is declared at all. The cases would test nothing.";
    E0709 Error "node without an SCP"
        "AWS requires at least one SCP attached to every root, OU and account: the last one cannot be detached. A node that detaches `FullAWSAccess` must attach another SCP, and one that allows what its accounts need, since each level must allow a request.";
    E0710 Error "cannot detach"
        "`detach` removes `FullAWSAccess`, the SCP AWS attaches to every node by default. `RCPFullAWSAccess` cannot be detached (AWS attaches it to every node and keeps it there), and a policy of the sources is not attached unless a line attaches it, so there is nothing to detach.";
    E0711 Error "node cannot hold its guardrails"
        "The SCPs (or RCPs) attached directly to one node need more documents than AWS lets one node hold (10 SCPs, `FullAWSAccess` counted while attached; 5 RCPs, `RCPFullAWSAccess` counted always), each within the size limit, even packed as tightly as gov can, or one statement is over the size limit by itself. The message names the node, the documents needed and the sizes.";
    E0712 Error "malformed request"
        "`gov eval` takes one target (`--node PATH` or `--policy NAME`), an action, and a context of `--context key=value` arguments and a `--context-json` object whose values are strings, numbers, booleans or lists of them; the request given is not of that form, or names no node or policy of the sources.";
    E0713 Error "node inside an account"
        "An account is a leaf of the organization: only OUs (and the root) hold OUs and accounts. Inside an account's braces go only the policies attached to it.";
    E0714 Error "param without a value"
        "A guardrail uses a `param` that has no default and was given no value: not with `--set`, and not with `set` at a node where the guardrail is attached or above. Without a value the guardrail has no meaning to compile.";
    E0715 Error "value of the wrong type"
        "A value given for a `param` (its default, a `set` in the org, or `--set`) is not of the param's declared type: a malformed ARN, CIDR range, 12-digit account id, number or boolean, a list for a single value, or an empty list; or, with the values in force at a node, a guardrail attached there does not compile.";
    E0716 Error "unknown param"
        "A `set` in the org or a `--set` names a param no file declares, so the value would change nothing.";
    E0717 Error "a test of a node names other policies"
        "A `test` names a node of the organization and, after it, other policies or a boundary. A node's requests are decided by the SCPs and RCPs attached from the root down to it, so the other names would not be evaluated.";

    // ---- command line ---------------------------------------------------
    E0901 Error "path not found"
        "A path given on the command line does not exist.";
    E0902 Error "unreadable or unwritable"
        "A file could not be read or written (permissions, a device, a FIFO).";
    E0903 Error "no .gov files"
        "The paths given hold no `.gov` files.";
    E0904 Error "catalog not loadable"
        "The catalog file given with `--catalog` cannot be loaded.";
    E0905 Error "catalog not importable"
        "`gov catalog import` could not read the catalog source.";
    E0906 Error "output inside the sources"
        "The output folder is inside a source folder; gov would read its own output back as sources.";
    E0907 Error "standard output not writable"
        "Standard output was closed or full before gov finished writing.";
    E0908 Error "unknown git revision"
        "A `git:REV` side of `gov diff` names a revision git does not know.";
    E0909 Error "a diff side does not build"
        "One side of `gov diff` has errors, so the access it grants is unknown and cannot be compared.";
    E0910 Error "unknown code"
        "A code named on the command line or in `gov.toml` is not one gov reports. Codes are a letter and four digits, such as `E0301`; docs/codes.md lists them all.";
    E0911 Error "invalid level"
        "`--level` takes `CODE=allow`, `CODE=warn` or `CODE=error` (and `[levels]` in `gov.toml`, `CODE = \"allow\"` and so on). An error code accepts only `error`: an error means the policy cannot be built as written, so no level can lower it.";
    E0920 Error "`gov.toml` is not valid TOML"
        "The project file does not parse as TOML (an unclosed bracket or string, a key given twice, a value without a key). The label says where the parser stopped.";
    E0921 Error "unknown key in `gov.toml`"
        "The project file names a setting gov does not have. gov refuses it rather than ignore it: a misspelt `deny-warnings` would otherwise turn nothing on while looking configured.";
    E0922 Error "bad value in `gov.toml`"
        "A setting of the project file has a value of the wrong kind: `sources` takes a non-empty list of paths, `out` and `catalog` a path, `deny-warnings` `true` or `false`, `sarif.codes-url` an absolute web address.";
    E0923 Error "file already exists"
        "`gov init` writes a new project's files and never replaces one: a file it would write is already there. Nothing is written when any of them exists.";
    E0925 Error "output folder missing"
        "`gov build --check` compares the output folder with what this build would write, and the folder does not exist: nothing was built there yet, or `--out` (or `out` in `gov.toml`) names another folder. The files a build would write are listed as missing and the run fails (exit 1), as for a folder that is not up to date.";

    // ---- warnings -------------------------------------------------------
    W0001 Warning "empty file"
        "The file declares nothing.";
    W0002 Warning "more diagnostics than shown"
        "A file had more diagnostics than gov shows for one file; fix the ones shown first.";
    W0101 Warning "deprecated key"
        "The condition key is deprecated in the catalog; its replacement is named. Deprecated keys may stop being set on requests.";
    W0102 Warning "unknown service in an action"
        "The action's service prefix is not in the catalog. AWS accepts the name, and it matches nothing today: a retired service's actions match no request, so a deny of them protects nothing. The name is carried through as written; check the spelling, or update the catalog if the service is new.";
    W0103 Warning "unknown action"
        "The service has no such action in the catalog. AWS accepts the name, and it matches nothing today: a retired action matches no request, so a deny of it protects nothing. The name is carried through as written; check the spelling, or update the catalog if the action is new.";
    W0104 Warning "pattern matches no action"
        "A wildcard action matches no action of its service in the catalog, so the statement applies to nothing the catalog knows; a deny of it protects nothing. The pattern is carried through as written.";
    W0201 Warning "`all` is true on an absent key"
        "`all` (`ForAllValues`) holds when the key is absent, so a request without the key passes the test: an allow grants it, and `unless … all …` lets it through.";
    W0202 Warning "SCP allow that restricts nothing"
        "An `Allow` in an SCP restricts nothing while `FullAWSAccess` is attached; to restrict, deny.";
    W0203 Warning "wildcard grant"
        "An `Allow` of `*`, of a service wildcard, or with `NotAction` grants every matching action, today's and tomorrow's.";
    W0204 Warning "rule can never match"
        "The rule's condition is unsatisfiable, so it has no effect.";
    W0205 Warning "condition always holds"
        "The condition is always true, so `when` adds nothing (or `unless` disables the rule).";
    W0208 Warning "`${aws:username}` unresolved for roles"
        "`aws:username` is set only for IAM users; for roles (and so for nearly every SCP request) the variable does not resolve and the condition fails.";
    W0209 Warning "key supported by only some actions"
        "The condition key is carried by only some of the actions a pattern matches; for the others the condition is decided as if the key were absent.";
    W0210 Warning "empty test"
        "A `test` block has no cases and proves nothing.";
    W0211 Warning "unsupported key in a test that holds without it"
        "The action does not carry the condition key, so IAM treats it as absent; the test holds for an absent key (a negated operator, `ForAllValues`, `…IfExists`, `Null` true) and the statement still applies to the action, decided by its other conditions. AWS writes such statements on purpose to cover actions with and without the key; the key restricts nothing for this action.";
    W0212 Warning "bare IPv6 address in policy JSON"
        "An `IpAddress` or `NotIpAddress` value is an IPv6 address without a prefix. AWS documents `/32` as the prefix of a value written without one, which for IPv6 is a network of 2^96 addresses, not the one address it looks like; what AWS does with it is not documented further. Write the prefix meant (`/128` for one address). gov's own output always writes it; import refuses such a value.";
    W0213 Warning "`aws:PrincipalArn` compared with a role session's ARN"
        "For a request made with a role's temporary credentials, AWS sets `aws:PrincipalArn` to the ARN of the role (`arn:aws:iam::ACCOUNT:role/PATH/NAME`), never to the session's ARN (`arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`). A value naming a role session never matches: a positive test on it never holds, a negated one always does. Compare with the role's ARN; to tell the sessions of one role apart, use `aws:userid` (`ROLEID:SESSION`) or `aws:SourceIdentity`.";
    W0310 Warning "`@allow` that silences nothing"
        "No warning of the named code is reported inside the policy or rule the `@allow` stands before. A stale suppression would silence a future finding nobody has reviewed; remove it. It is not reported where an error stands: the checks that find warnings may not have run there.";
    W0320 Warning "action that no principal of the statement performs"
        "In a trust policy, `sts:AssumeRole` is called by AWS accounts, roles, users and services, `sts:AssumeRoleWithSAML` by a SAML provider and `sts:AssumeRoleWithWebIdentity` by an OIDC or web identity provider. An action that none of the statement's principals calls grants nothing: the statement probably names the wrong one.";
    W0601 Warning "deny whose conditions must all hold"
        "The conditions of one `Deny` statement are ANDed: it fires only when all of them hold, where a guardrail usually means any of them.";
    W0602 Warning "inverted guardrail"
        "An `Allow` with a negated operator grants everything except the listed values, usually the opposite of the intent.";
    W0603 Warning "`Null` with a qualifier"
        "`ForAnyValue:Null` / `ForAllValues:Null` do not test presence the way plain `Null` does.";
    W0604 Warning "empty value list"
        "A condition operator has no values; IAM treats it as never matching.";
    W0605 Warning "variables without the 2012-10-17 version"
        "Without `\"Version\": \"2012-10-17\"`, IAM reads `${…}` as literal text.";
    W0701 Warning "control pattern matches nothing"
        "An `@control(\"…\")` pattern in an `org` matches no policy of the kind it attaches, so the line attaches nothing. A renamed control or a typo would leave the accounts below without the guardrail the line names.";
    W0702 Warning "policy attached twice"
        "The same policy is attached twice at one node; AWS attaches a policy to a node once, so the second line says nothing.";
    W0703 Warning "node that allows nothing"
        "`FullAWSAccess` is detached at this node and none of the SCPs attached there allows anything: every level must allow a request, so every request of every account below is denied. Attach an SCP that allows what the accounts need.";
    W0704 Warning "param set but unused"
        "A value is given for a param that no policy uses, so it changes no document. A misspelt use, or a guardrail that stopped using the param, would leave the value silently ignored.";
    W0920 Warning "pattern matches new actions"
        "Under the newer catalog, an action pattern (a wildcard, or `* except [...]`) covers actions it did not cover before: AWS added them. A `deny` now denies them and an `allow` grants them, without a change to the source. Decide whether the rule should cover them, and name them or exclude them.";
    W0921 Warning "pattern no longer matches actions"
        "Under the newer catalog, actions the rule covered no longer exist (AWS removed or renamed them): the rule now covers less than it did.";
    W0922 Warning "key deprecated in the newer catalog"
        "A condition key the rule tests is deprecated in the newer catalog. AWS may stop setting it in requests; a test of an absent key changes what the rule decides (`!=`, `not in` and `all` hold, the others fail).";
    W0923 Warning "key removed from the newer catalog"
        "A condition key the rule tests is not in the newer catalog. Requests will likely stop carrying it, and the policy will not check against that catalog (`E0103`).";
    W0924 Warning "key type changed in the newer catalog"
        "A condition key the rule tests has another type in the newer catalog. Its operators lower to different IAM operators by type, so the rule must be read again.";
    W0925 Warning "key no longer supported by the action"
        "Under the newer catalog, an action the rule names no longer supports a condition key the rule tests (neither the action nor its resource types list it). Requests for that action will not carry the key, so the condition is decided as for an absent key; the policy will not check against that catalog (`E0301`).";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_ordered_and_match_severity() {
        for pair in ALL.windows(2) {
            assert!(
                pair[0].id < pair[1].id,
                "{} before {}",
                pair[0].id,
                pair[1].id
            );
        }
        for c in ALL {
            let expected = if c.id.starts_with('E') {
                Severity::Error
            } else {
                Severity::Warning
            };
            assert_eq!(c.severity, expected, "{}", c.id);
            assert!(!c.title.ends_with('.'), "{}", c.id);
            assert!(c.explanation.ends_with('.'), "{}", c.id);
        }
        assert_eq!(lookup("e0116"), Some(E0116));
        assert_eq!(lookup("E9999"), None);
    }
}
