//! Condition operators against condition keys: which operator family tests
//! which key type, and what an operator says of a key that is absent.

use crate::catalog::KeyType;
use crate::iam::{OperatorFamily, OperatorSpec, SetQualifier};

/// The operator family that matches a key type's elements.
pub fn key_family(ty: KeyType) -> OperatorFamily {
    match ty.element() {
        KeyType::Arn => OperatorFamily::Arn,
        KeyType::Bool => OperatorFamily::Bool,
        KeyType::Numeric => OperatorFamily::Numeric,
        KeyType::Date => OperatorFamily::Date,
        KeyType::IpAddress => OperatorFamily::Ip,
        KeyType::Binary => OperatorFamily::Binary,
        _ => OperatorFamily::String,
    }
}

/// Whether an operator of family `op` may test a key of family `key`.
/// String and ARN operators are interchangeable: AWS documents string
/// operators for ARN keys, and uses ARN operators on string keys that hold
/// ARNs (CloudWatch Logs' `kms:EncryptionContext:aws:logs:arn`).
pub fn families_fit(op: OperatorFamily, key: OperatorFamily) -> bool {
    use OperatorFamily::*;
    op == key || op == Null || matches!((op, key), (String, Arn) | (Arn, String))
}

/// Whether IAM reads an operator of family `op` on a key of family `key` as
/// the author meant, though the families differ: a string operator on a
/// `Bool` key compares its text (`"true"`, `"false"`), which is what
/// `StringEquals` on `aws:ViaAWSService` asks. `.gov` has no such
/// comparison, so only the linter accepts it.
pub fn compares_as_text(op: OperatorFamily, key: OperatorFamily) -> bool {
    op == OperatorFamily::String && key == OperatorFamily::Bool
}

/// A family as messages name the type of its values: `String`, `ARN`, `IPAddress`.
pub fn family_name(family: OperatorFamily) -> &'static str {
    match family {
        OperatorFamily::String => "String",
        OperatorFamily::Arn => "ARN",
        OperatorFamily::Bool => "Bool",
        OperatorFamily::Numeric => "Numeric",
        OperatorFamily::Date => "Date",
        OperatorFamily::Ip => "IPAddress",
        OperatorFamily::Binary => "Binary",
        OperatorFamily::Null => "Null",
    }
}

/// Whether a condition entry holds (when the key is absent, when it is
/// present) for an operator given no values at all: a negated operator
/// holds, a positive one does not, and an absent key follows the set
/// qualifier and `IfExists`.
pub fn empty_truth(spec: &OperatorSpec) -> (bool, bool) {
    let negated = spec.base.is_negated();
    let absent = spec.if_exists
        || match spec.qualifier {
            None => negated,
            Some(SetQualifier::ForAnyValue) => false,
            Some(SetQualifier::ForAllValues) => true,
        };
    (absent, negated)
}

/// The truth of `Null` under a set qualifier, (absent, present): the
/// qualifier makes `Null` look at each value, so `ForAllValues` holds for an
/// absent key, and a present key's values are never null, which only the
/// value `"false"` asks for.
pub fn qualified_null_truth(qualifier: SetQualifier, wants_false: bool) -> (bool, bool) {
    (qualifier == SetQualifier::ForAllValues, wants_false)
}

/// What an entry that depends only on the key's presence does, in words.
pub fn truth_text(truth: (bool, bool)) -> &'static str {
    match truth {
        (false, false) => "never holds",
        (true, true) => "always holds",
        (true, false) => "holds exactly when the key is absent",
        (false, true) => "holds exactly when the key is present",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(text: &str) -> OperatorSpec {
        OperatorSpec::parse(text).unwrap()
    }

    #[test]
    fn every_key_type_has_a_family_that_fits_it() {
        for ty in [
            KeyType::String,
            KeyType::ArrayOfArn,
            KeyType::Bool,
            KeyType::Numeric,
            KeyType::Date,
            KeyType::ArrayOfIpAddress,
            KeyType::Binary,
        ] {
            let family = key_family(ty);
            assert!(families_fit(family, family));
            assert!(families_fit(OperatorFamily::Null, family));
        }
        assert_eq!(key_family(KeyType::ArrayOfArn), OperatorFamily::Arn);
        assert!(families_fit(OperatorFamily::Arn, OperatorFamily::String));
        assert!(!families_fit(OperatorFamily::Numeric, OperatorFamily::Date));
        assert!(!families_fit(OperatorFamily::String, OperatorFamily::Bool));
        assert!(compares_as_text(
            OperatorFamily::String,
            OperatorFamily::Bool
        ));
        assert!(!compares_as_text(
            OperatorFamily::Numeric,
            OperatorFamily::Bool
        ));
        assert_eq!(family_name(key_family(KeyType::IpAddress)), "IPAddress");
    }

    #[test]
    fn an_empty_list_holds_as_the_operator_treats_an_absent_key() {
        assert_eq!(empty_truth(&spec("StringEquals")), (false, false));
        assert_eq!(empty_truth(&spec("StringNotEquals")), (true, true));
        assert_eq!(empty_truth(&spec("StringEqualsIfExists")), (true, false));
        assert_eq!(empty_truth(&spec("ForAllValues:StringLike")), (true, false));
        assert_eq!(
            empty_truth(&spec("ForAnyValue:StringNotLike")),
            (false, true)
        );
        assert_eq!(empty_truth(&spec("Null")), (false, false));
        assert_eq!(truth_text(empty_truth(&spec("ArnNotLike"))), "always holds");
    }

    #[test]
    fn null_under_a_qualifier() {
        assert_eq!(
            qualified_null_truth(SetQualifier::ForAllValues, false),
            (true, false)
        );
        assert_eq!(
            qualified_null_truth(SetQualifier::ForAnyValue, true),
            (false, true)
        );
    }
}
