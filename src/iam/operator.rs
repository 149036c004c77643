//! Condition operators: `[ForAnyValue:|ForAllValues:]<Base>[IfExists]`.
//!
//! Source: IAM User Guide, "IAM JSON policy elements: Condition operators"
//! (reference_policies_elements_condition_operators.html) and "Set operators for
//! multivalued context keys" (reference_policies_condition-single-vs-multi-valued-context-keys.html).

use std::fmt;

/// A set qualifier for multivalued context keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SetQualifier {
    ForAnyValue,
    ForAllValues,
}

impl SetQualifier {
    pub fn name(self) -> &'static str {
        match self {
            SetQualifier::ForAnyValue => "ForAnyValue",
            SetQualifier::ForAllValues => "ForAllValues",
        }
    }
}

/// The value type an operator family compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OperatorFamily {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

macro_rules! base_operators {
    ($($variant:ident),* $(,)?) => {
        /// A condition operator without set qualifier and without `IfExists`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum BaseOperator { $($variant),* }

        impl BaseOperator {
            /// Every base operator, in declaration order.
            pub const ALL: &'static [BaseOperator] = &[$(BaseOperator::$variant),*];

            /// The operator's name as AWS spells it.
            pub fn name(self) -> &'static str {
                match self { $(BaseOperator::$variant => stringify!($variant)),* }
            }
        }
    };
}

base_operators!(
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
);

impl BaseOperator {
    /// Looks a base operator up by name, ignoring ASCII case.
    pub fn from_name(name: &str) -> Option<BaseOperator> {
        BaseOperator::ALL
            .iter()
            .copied()
            .find(|op| op.name().eq_ignore_ascii_case(name))
    }

    /// True for the negated matching operators. AWS evaluates these to true
    /// when the key is absent from the request, and with several policy values
    /// they hold only when the request value matches none of them (a NOR).
    /// Source: reference_policies_elements_condition_operators.html ("Important"
    /// note on negated operators) and
    /// reference_policies_condition-logic-multiple-context-keys-or-values.html.
    pub fn is_negated(self) -> bool {
        matches!(
            self,
            BaseOperator::StringNotEquals
                | BaseOperator::StringNotEqualsIgnoreCase
                | BaseOperator::StringNotLike
                | BaseOperator::NumericNotEquals
                | BaseOperator::DateNotEquals
                | BaseOperator::NotIpAddress
                | BaseOperator::ArnNotEquals
                | BaseOperator::ArnNotLike
        )
    }

    /// The negated operator of a positive matching operator and back
    /// (`StringEquals` <-> `StringNotEquals`, `IpAddress` <-> `NotIpAddress`, ...).
    /// `None` for operators without a negated twin (ordering comparisons,
    /// `Bool`, `BinaryEquals`, `Null`).
    pub fn complement(self) -> Option<BaseOperator> {
        use BaseOperator::*;
        let pairs = [
            (StringEquals, StringNotEquals),
            (StringEqualsIgnoreCase, StringNotEqualsIgnoreCase),
            (StringLike, StringNotLike),
            (NumericEquals, NumericNotEquals),
            (DateEquals, DateNotEquals),
            (IpAddress, NotIpAddress),
            (ArnEquals, ArnNotEquals),
            (ArnLike, ArnNotLike),
        ];
        pairs.iter().find_map(|&(pos, neg)| {
            if self == pos {
                Some(neg)
            } else if self == neg {
                Some(pos)
            } else {
                None
            }
        })
    }

    /// The value type this operator compares.
    pub fn family(self) -> OperatorFamily {
        use BaseOperator::*;
        match self {
            StringEquals
            | StringNotEquals
            | StringEqualsIgnoreCase
            | StringNotEqualsIgnoreCase
            | StringLike
            | StringNotLike => OperatorFamily::String,
            NumericEquals
            | NumericNotEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals => OperatorFamily::Numeric,
            DateEquals
            | DateNotEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals => OperatorFamily::Date,
            Bool => OperatorFamily::Bool,
            BinaryEquals => OperatorFamily::Binary,
            IpAddress | NotIpAddress => OperatorFamily::Ip,
            ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => OperatorFamily::Arn,
            Null => OperatorFamily::Null,
        }
    }

    /// Whether policy variables (`${...}`) in condition values are resolved
    /// for this operator. Access Analyzer's "Invalid variable for operator"
    /// check allows them only with String and ARN operators
    /// (access-analyzer-reference-policy-checks.html); with any other operator
    /// the text is taken literally.
    pub fn accepts_variables(self) -> bool {
        matches!(self.family(), OperatorFamily::String | OperatorFamily::Arn)
    }
}

/// A parsed condition operator such as `ForAllValues:StringNotLikeIfExists`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OperatorSpec {
    pub qualifier: Option<SetQualifier>,
    pub base: BaseOperator,
    pub if_exists: bool,
}

impl OperatorSpec {
    /// Parses an operator. Qualifier, base name and suffix are matched
    /// without regard to ASCII case. `NullIfExists` is refused (Access
    /// Analyzer error "Null with if exists").
    pub fn parse(text: &str) -> Result<OperatorSpec, String> {
        let (qualifier, rest) = match text.split_once(':') {
            Some((q, rest)) => {
                let qualifier = if q.eq_ignore_ascii_case("ForAnyValue") {
                    SetQualifier::ForAnyValue
                } else if q.eq_ignore_ascii_case("ForAllValues") {
                    SetQualifier::ForAllValues
                } else {
                    return Err(format!(
                        "unknown set qualifier `{q}`: expected `ForAnyValue` or `ForAllValues`"
                    ));
                };
                (Some(qualifier), rest)
            }
            None => (None, text),
        };
        if let Some(base) = BaseOperator::from_name(rest) {
            return Ok(OperatorSpec {
                qualifier,
                base,
                if_exists: false,
            });
        }
        let suffix = "IfExists";
        if rest.len() > suffix.len() && rest.is_char_boundary(rest.len() - suffix.len()) {
            let (head, tail) = rest.split_at(rest.len() - suffix.len());
            if tail.eq_ignore_ascii_case(suffix)
                && let Some(base) = BaseOperator::from_name(head)
            {
                if base == BaseOperator::Null {
                    return Err("`Null` cannot take the `IfExists` suffix".to_string());
                }
                return Ok(OperatorSpec {
                    qualifier,
                    base,
                    if_exists: true,
                });
            }
        }
        Err(format!("unknown condition operator `{text}`"))
    }
}

impl fmt::Display for OperatorSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(q) = self.qualifier {
            write!(f, "{}:", q.name())?;
        }
        f.write_str(self.base.name())?;
        if self.if_exists {
            f.write_str("IfExists")?;
        }
        Ok(())
    }
}

/// The operator of a condition entry: its text as written, and what IAM
/// reads it as, parsed once.
///
/// The text is kept because it is the JSON key of the entry's block:
/// `StringEquals` and `stringequals` both read as [`BaseOperator::StringEquals`]
/// but are two blocks, whose entries are ANDed, not merged. An operator IAM
/// does not know (only a hand-built statement holds one: [`super::PolicyDocument::from_json`]
/// refuses it) reads as [`OperatorReading::Unknown`], and a statement holding
/// it fails to evaluate: it never allows and, if a `Deny`, counts as denying.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Operator {
    text: String,
    reading: OperatorReading,
}

/// What IAM reads an [`Operator`]'s text as.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OperatorReading {
    Known(OperatorSpec),
    /// Not an operator; the reason, as [`OperatorSpec::parse`] gives it.
    Unknown(String),
}

impl Operator {
    /// Reads `text`; never fails (see [`Operator::spec`]).
    pub fn parse(text: impl Into<String>) -> Operator {
        let text = text.into();
        let reading = match OperatorSpec::parse(&text) {
            Ok(spec) => OperatorReading::Known(spec),
            Err(reason) => OperatorReading::Unknown(reason),
        };
        Operator { text, reading }
    }

    /// The operator as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn reading(&self) -> &OperatorReading {
        &self.reading
    }

    /// The parsed operator, or why the text is none.
    pub fn spec(&self) -> Result<OperatorSpec, &str> {
        match &self.reading {
            OperatorReading::Known(spec) => Ok(*spec),
            OperatorReading::Unknown(reason) => Err(reason),
        }
    }
}

impl From<OperatorSpec> for Operator {
    fn from(spec: OperatorSpec) -> Operator {
        Operator {
            text: spec.to_string(),
            reading: OperatorReading::Known(spec),
        }
    }
}

impl From<&str> for Operator {
    fn from(text: &str) -> Operator {
        Operator::parse(text)
    }
}

impl From<String> for Operator {
    fn from(text: String) -> Operator {
        Operator::parse(text)
    }
}

impl PartialEq<str> for Operator {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for Operator {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_all_forms() {
        let spec = OperatorSpec::parse("ForAllValues:StringNotLikeIfExists").unwrap();
        assert_eq!(spec.qualifier, Some(SetQualifier::ForAllValues));
        assert_eq!(spec.base, BaseOperator::StringNotLike);
        assert!(spec.if_exists);
        assert_eq!(spec.to_string(), "ForAllValues:StringNotLikeIfExists");

        let spec = OperatorSpec::parse("stringequals").unwrap();
        assert_eq!(spec.base, BaseOperator::StringEquals);
        assert_eq!(spec.to_string(), "StringEquals");

        assert_eq!(
            OperatorSpec::parse("Null").unwrap().base,
            BaseOperator::Null
        );
        for op in BaseOperator::ALL {
            assert_eq!(OperatorSpec::parse(op.name()).unwrap().base, *op);
        }
    }

    #[test]
    fn refuses_unknown_and_null_if_exists() {
        assert_eq!(
            OperatorSpec::parse("StringEqualz").unwrap_err(),
            "unknown condition operator `StringEqualz`"
        );
        assert!(OperatorSpec::parse("NullIfExists").is_err());
        assert!(OperatorSpec::parse("ForSomeValues:StringLike").is_err());
        assert!(OperatorSpec::parse("IfExists").is_err());
        assert!(OperatorSpec::parse("").is_err());
    }

    #[test]
    fn negation_and_complement() {
        let negated: Vec<_> = BaseOperator::ALL
            .iter()
            .filter(|o| o.is_negated())
            .collect();
        assert_eq!(negated.len(), 8);
        for op in BaseOperator::ALL {
            if let Some(c) = op.complement() {
                assert_eq!(c.complement(), Some(*op));
                assert_ne!(op.is_negated(), c.is_negated());
            }
        }
        assert_eq!(BaseOperator::NumericLessThan.complement(), None);
    }

    #[test]
    fn operators_keep_their_text_and_reading() {
        let canonical = Operator::from(OperatorSpec {
            qualifier: Some(SetQualifier::ForAllValues),
            base: BaseOperator::StringLike,
            if_exists: true,
        });
        assert_eq!(canonical.as_str(), "ForAllValues:StringLikeIfExists");
        assert_eq!(
            canonical,
            Operator::parse("ForAllValues:StringLikeIfExists")
        );
        // another spelling reads the same but is another JSON key
        let lower = Operator::parse("stringequals");
        assert_eq!(lower.spec().map(|s| s.base), Ok(BaseOperator::StringEquals));
        assert_ne!(lower, Operator::from("StringEquals"));
        assert_eq!(lower.to_string(), "stringequals");
        let unknown = Operator::parse("StringEqualz");
        assert_eq!(
            unknown.spec(),
            Err("unknown condition operator `StringEqualz`")
        );
        assert_eq!(
            unknown.reading(),
            &OperatorReading::Unknown("unknown condition operator `StringEqualz`".into())
        );
        assert!(Operator::parse("NullIfExists").spec().is_err());
    }
}
