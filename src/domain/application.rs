//! Application lifecycle, candidate codes and the checks on what applicants declare.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Submitted,
    Shortlisted,
    NotShortlisted,
    Offered,
    Unsuccessful,
    Appointed,
    OfferWithdrawn,
    Withdrawn,
}

impl ApplicationStatus {
    pub const ALL: [ApplicationStatus; 8] = [
        ApplicationStatus::Submitted,
        ApplicationStatus::Shortlisted,
        ApplicationStatus::NotShortlisted,
        ApplicationStatus::Offered,
        ApplicationStatus::Unsuccessful,
        ApplicationStatus::Appointed,
        ApplicationStatus::OfferWithdrawn,
        ApplicationStatus::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Submitted => "submitted",
            ApplicationStatus::Shortlisted => "shortlisted",
            ApplicationStatus::NotShortlisted => "not_shortlisted",
            ApplicationStatus::Offered => "offered",
            ApplicationStatus::Unsuccessful => "unsuccessful",
            ApplicationStatus::Appointed => "appointed",
            ApplicationStatus::OfferWithdrawn => "offer_withdrawn",
            ApplicationStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(text: &str) -> Option<ApplicationStatus> {
        ApplicationStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    /// No move leaves these.
    pub fn is_final(self) -> bool {
        use ApplicationStatus::*;
        matches!(
            self,
            NotShortlisted | Unsuccessful | Appointed | OfferWithdrawn | Withdrawn
        )
    }

    /// Still in the running: scores may be recorded.
    pub fn is_live(self) -> bool {
        !self.is_final()
    }

    /// submitted → shortlisted | not_shortlisted; shortlisted → offered | unsuccessful;
    /// offered → appointed | offer_withdrawn; any non-final → withdrawn.
    pub fn can_become(self, to: ApplicationStatus) -> bool {
        use ApplicationStatus::*;
        if self.is_final() {
            return false;
        }
        matches!(
            (self, to),
            (Submitted, Shortlisted)
                | (Submitted, NotShortlisted)
                | (Shortlisted, Offered)
                | (Shortlisted, Unsuccessful)
                | (Offered, Appointed)
                | (Offered, OfferWithdrawn)
                | (_, Withdrawn)
        )
    }

    /// Moves that close a door on the applicant must say why.
    pub fn needs_reason(self) -> bool {
        use ApplicationStatus::*;
        // `shortlisted` too: it is a shortlisting decision, and every decision is
        // recorded with its reason whichever route records it.
        matches!(
            self,
            Shortlisted | NotShortlisted | Unsuccessful | OfferWithdrawn
        )
    }

    /// Moves that take an applicant further towards the post.
    pub fn is_forward(self) -> bool {
        use ApplicationStatus::*;
        matches!(self, Shortlisted | Offered | Appointed)
    }
}

/// What a move of one application depends on beyond its own status: the vacancy's
/// state, whether the applicant's personal data was erased, how many are appointed
/// already, and the checks still outstanding.
#[derive(Debug, Clone, PartialEq)]
pub struct MoveContext {
    pub from: ApplicationStatus,
    pub to: ApplicationStatus,
    pub vacancy: super::vacancy::VacancyStatus,
    pub erased: bool,
    /// Applications of the vacancy already `appointed` (this one excluded).
    pub appointed: i64,
    pub positions: i32,
    /// Required checks not yet clear or waived (pending and failed).
    pub outstanding_checks: Vec<String>,
    /// The post is politically restricted and the applicant has not accepted it.
    pub political_restriction_unaccepted: bool,
}

/// Why a move is refused, or `None` when it may go ahead. The lifecycle comes first,
/// then the vacancy, the erasure, a political restriction not accepted, the number of
/// posts and, for an appointment, the pre-employment checks.
pub fn move_refusal(m: &MoveContext) -> Option<String> {
    use super::vacancy::VacancyStatus;
    if !m.from.can_become(m.to) {
        return Some(format!(
            "an application cannot move from {} to {}",
            m.from.as_str(),
            m.to.as_str()
        ));
    }
    if m.to.is_forward() && !matches!(m.vacancy, VacancyStatus::Open | VacancyStatus::Closed) {
        return Some(format!(
            "the vacancy is {}: no application moves forward on it",
            m.vacancy.as_str()
        ));
    }
    if m.erased
        && matches!(
            m.to,
            ApplicationStatus::Offered | ApplicationStatus::Appointed
        )
    {
        return Some(
            "the applicant's personal data was erased: they cannot be offered or appointed".into(),
        );
    }
    if m.political_restriction_unaccepted
        && matches!(
            m.to,
            ApplicationStatus::Offered | ApplicationStatus::Appointed
        )
    {
        return Some(
            "the post is politically restricted and the applicant has not accepted the restriction (declarations.politically_restricted_accepted): they cannot be offered or appointed".into(),
        );
    }
    if m.to == ApplicationStatus::Appointed {
        if m.appointed >= i64::from(m.positions.max(1)) {
            return Some(format!(
                "the vacancy has {} position(s) and {} already appointed",
                m.positions.max(1),
                m.appointed
            ));
        }
        if !m.outstanding_checks.is_empty() {
            return Some(format!(
                "cannot appoint while pre-employment checks are outstanding: {}",
                m.outstanding_checks.join(", ")
            ));
        }
    }
    None
}

/// `C-0001` for the first applicant to a vacancy; widens past 9999.
pub fn candidate_code(number: i32) -> String {
    format!("C-{number:04}")
}

/// Emails compare as a reader sees them for the one-application-per-candidate rule:
/// Unicode NFKC (fullwidth `ｅ` is `e`), without invisible characters (zero-width
/// spaces and joiners, soft hyphens, bidirectional marks, byte-order marks: every
/// format character, `Cf`, and the other default-ignorable code points), trimmed, in
/// lower case.
pub fn normalise_email(email: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let pass = |text: &str| -> String {
        let folded: String = text.nfkc().filter(|c| !is_invisible(*c)).collect();
        folded.to_lowercase().trim().to_string()
    };
    // Lower-casing can leave text NFKC changes again (and NFKC can produce capitals,
    // as from U+1D2C MODIFIER LETTER CAPITAL A), so repeat until nothing changes.
    let mut current = pass(email);
    for _ in 0..4 {
        let next = pass(&current);
        if next == current {
            break;
        }
        current = next;
    }
    current
}

/// Format characters (general category `Cf`, Unicode 16) and the other
/// default-ignorable code points: nothing a reader can see.
fn is_invisible(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD // soft hyphen
            | 0x034F // combining grapheme joiner
            | 0x0600..=0x0605 // Arabic number signs
            | 0x061C // Arabic letter mark
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x115F..=0x1160 // Hangul fillers
            | 0x17B4..=0x17B5
            | 0x180B..=0x180F // Mongolian variation selectors and vowel separator
            | 0x200B..=0x200F // zero-width space, joiners, LRM, RLM
            | 0x202A..=0x202E // bidirectional embeddings and overrides
            | 0x2060..=0x206F // word joiner, invisible operators, isolates
            | 0x3164 // Hangul filler
            | 0xFE00..=0xFE0F // variation selectors
            | 0xFEFF // zero-width no-break space, byte-order mark
            | 0xFFA0 // halfwidth Hangul filler
            | 0xFFF0..=0xFFFB // interlinear annotation
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F // Egyptian hieroglyph format controls
            | 0x1BCA0..=0x1BCA3 // shorthand format controls
            | 0x1D173..=0x1D17A // musical symbol format controls
            | 0xE0000..=0xE0FFF // tags and variation selectors supplement
    )
}

/// What an applicant declares, checked for plausibility (not truth: checks do that).
pub fn validate_declarations(
    penalty_points: Option<i32>,
    at_fault_accidents: Option<i32>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if penalty_points.is_some_and(|p| !(0..=99).contains(&p)) {
        errors.push(FieldError::new(
            "declarations.penalty_points",
            "must be between 0 and 99",
        ));
    }
    if at_fault_accidents.is_some_and(|a| !(0..=99).contains(&a)) {
        errors.push(FieldError::new(
            "declarations.at_fault_accidents",
            "must be between 0 and 99",
        ));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use ApplicationStatus::*;

    #[test]
    fn lifecycle_follows_the_domain_rules() {
        let allowed = [
            (Submitted, Shortlisted),
            (Submitted, NotShortlisted),
            (Shortlisted, Offered),
            (Shortlisted, Unsuccessful),
            (Offered, Appointed),
            (Offered, OfferWithdrawn),
            (Submitted, Withdrawn),
            (Shortlisted, Withdrawn),
            (Offered, Withdrawn),
        ];
        for from in ApplicationStatus::ALL {
            for to in ApplicationStatus::ALL {
                assert_eq!(
                    from.can_become(to),
                    allowed.contains(&(from, to)),
                    "{from:?} -> {to:?}"
                );
            }
        }
    }

    #[test]
    fn final_states_are_not_live() {
        for s in ApplicationStatus::ALL {
            assert_eq!(s.is_live(), matches!(s, Submitted | Shortlisted | Offered));
        }
    }

    #[test]
    fn status_names_round_trip() {
        for s in ApplicationStatus::ALL {
            assert_eq!(ApplicationStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn candidate_codes_are_zero_padded() {
        assert_eq!(candidate_code(1), "C-0001");
        assert_eq!(candidate_code(42), "C-0042");
        assert_eq!(candidate_code(12345), "C-12345");
    }

    fn context(from: ApplicationStatus, to: ApplicationStatus) -> MoveContext {
        MoveContext {
            from,
            to,
            vacancy: crate::domain::vacancy::VacancyStatus::Closed,
            erased: false,
            appointed: 0,
            positions: 1,
            outstanding_checks: Vec::new(),
            political_restriction_unaccepted: false,
        }
    }

    #[test]
    fn a_politically_restricted_post_needs_the_declaration_to_offer_or_appoint() {
        for (from, to) in [
            (ApplicationStatus::Shortlisted, ApplicationStatus::Offered),
            (ApplicationStatus::Offered, ApplicationStatus::Appointed),
        ] {
            let mut m = context(from, to);
            m.political_restriction_unaccepted = true;
            assert!(move_refusal(&m).unwrap().contains("politically restricted"));
            m.political_restriction_unaccepted = false;
            assert_eq!(move_refusal(&m), None);
        }
        // Turning the applicant down or withdrawing needs nothing of them.
        let mut m = context(ApplicationStatus::Shortlisted, ApplicationStatus::Withdrawn);
        m.political_restriction_unaccepted = true;
        assert_eq!(move_refusal(&m), None);
    }

    #[test]
    fn appointments_never_exceed_positions() {
        let mut m = context(ApplicationStatus::Offered, ApplicationStatus::Appointed);
        assert_eq!(move_refusal(&m), None);
        m.appointed = 1;
        assert!(move_refusal(&m).unwrap().contains("1 position(s)"));
        m.positions = 2;
        assert_eq!(move_refusal(&m), None);
    }

    #[test]
    fn nothing_moves_forward_on_a_cancelled_or_filled_vacancy() {
        use crate::domain::vacancy::VacancyStatus;
        for vacancy in [
            VacancyStatus::Cancelled,
            VacancyStatus::Filled,
            VacancyStatus::Draft,
        ] {
            for (from, to) in [
                (ApplicationStatus::Submitted, ApplicationStatus::Shortlisted),
                (ApplicationStatus::Shortlisted, ApplicationStatus::Offered),
                (ApplicationStatus::Offered, ApplicationStatus::Appointed),
            ] {
                let mut m = context(from, to);
                m.vacancy = vacancy;
                assert!(
                    move_refusal(&m).is_some(),
                    "{from:?} → {to:?} on {vacancy:?}"
                );
            }
            // Closing doors stays possible.
            let mut m = context(
                ApplicationStatus::Offered,
                ApplicationStatus::OfferWithdrawn,
            );
            m.vacancy = vacancy;
            assert_eq!(move_refusal(&m), None);
        }
    }

    #[test]
    fn the_erased_are_never_offered_or_appointed() {
        let mut m = context(ApplicationStatus::Shortlisted, ApplicationStatus::Offered);
        m.erased = true;
        assert!(move_refusal(&m).is_some());
        let mut m = context(ApplicationStatus::Offered, ApplicationStatus::Appointed);
        m.erased = true;
        assert!(move_refusal(&m).is_some());
        let mut m = context(ApplicationStatus::Shortlisted, ApplicationStatus::Withdrawn);
        m.erased = true;
        assert_eq!(move_refusal(&m), None);
    }

    #[test]
    fn appointment_waits_for_every_check() {
        let mut m = context(ApplicationStatus::Offered, ApplicationStatus::Appointed);
        m.outstanding_checks = vec!["right_to_work".into()];
        assert!(move_refusal(&m).unwrap().contains("right_to_work"));
    }

    proptest::proptest! {
        /// Whatever the context, an allowed appointment leaves no more appointed than
        /// positions, no check outstanding, a live vacancy and unerased data.
        #[test]
        fn an_allowed_appointment_keeps_every_rule(
            appointed in 0i64..5, positions in 1i32..4, erased: bool,
            outstanding in proptest::collection::vec("[a-z_]{1,8}", 0..3),
            vacancy in proptest::sample::select(crate::domain::vacancy::VacancyStatus::ALL.to_vec()),
        ) {
            let m = MoveContext {
                from: ApplicationStatus::Offered,
                to: ApplicationStatus::Appointed,
                vacancy, erased, appointed, positions,
                outstanding_checks: outstanding.clone(),
                political_restriction_unaccepted: false,
            };
            if move_refusal(&m).is_none() {
                proptest::prop_assert!(appointed < i64::from(positions));
                proptest::prop_assert!(outstanding.is_empty());
                proptest::prop_assert!(!erased);
                proptest::prop_assert!(matches!(vacancy,
                    crate::domain::vacancy::VacancyStatus::Open | crate::domain::vacancy::VacancyStatus::Closed));
            }
        }
    }

    #[test]
    fn emails_compare_without_case_or_spaces() {
        assert_eq!(
            normalise_email("  Jo.Bloggs@Example.ORG "),
            "jo.bloggs@example.org"
        );
    }

    #[test]
    fn fullwidth_and_compatibility_forms_fold_to_ascii() {
        let plain = "grace@example.org";
        assert_eq!(normalise_email("grace@\u{FF45}xample.org"), plain);
        assert_eq!(
            normalise_email("\u{FF27}\u{FF52}\u{FF41}\u{FF43}\u{FF45}\u{FF20}example\u{FF0E}org"),
            plain
        );
        // Ideographic space around the address is trimmed once NFKC makes it a space.
        assert_eq!(normalise_email("\u{3000}grace@example.org\u{3000}"), plain);
        // Mathematical letters are compatibility forms too.
        assert_eq!(normalise_email("\u{1D420}race@example.org"), plain);
    }

    #[test]
    fn invisible_characters_are_removed() {
        let plain = "grace@example.org";
        for invisible in [
            '\u{200B}',
            '\u{200C}',
            '\u{200D}',
            '\u{2060}',
            '\u{FEFF}',
            '\u{00AD}',
            '\u{200E}',
            '\u{200F}',
            '\u{202A}',
            '\u{202E}',
            '\u{2066}',
            '\u{2069}',
            '\u{180E}',
            '\u{061C}',
            '\u{034F}',
            '\u{FE0F}',
            '\u{E0001}',
            '\u{E0041}',
            '\u{1D173}',
        ] {
            for at in [0, 5, 6, plain.len()] {
                let mut sneaky = plain.to_string();
                sneaky.insert(at, invisible);
                assert_eq!(
                    normalise_email(&sneaky),
                    plain,
                    "U+{:04X} at {at}",
                    invisible as u32
                );
            }
        }
        assert_eq!(normalise_email("grace@example.org\u{200B} "), plain);
        assert_eq!(normalise_email(" \u{FEFF} Grace@Example.org"), plain);
    }

    #[test]
    fn other_scripts_are_kept() {
        assert_eq!(normalise_email("Zoë@Example.org"), "zoë@example.org");
        // NFKC composes a decomposed ë, so both spellings are one person.
        assert_eq!(
            normalise_email("Zoe\u{0308}@example.org"),
            "zoë@example.org"
        );
        assert_eq!(normalise_email("ΑΝΝΑ@παράδειγμα.ελ"), "αννα@παράδειγμα.ελ");
    }

    fn fullwidth(c: char) -> char {
        if ('!'..='~').contains(&c) {
            char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap()
        } else {
            c
        }
    }

    proptest::proptest! {
        /// Disguising an address with fullwidth forms, case and invisible characters
        /// never makes it a different applicant.
        #[test]
        fn disguises_do_not_make_a_new_applicant(
            local in "[a-zA-Z0-9._%+-]{1,20}",
            domain in "[a-zA-Z0-9-]{1,15}\\.[a-zA-Z]{2,6}",
            widen in proptest::collection::vec(proptest::bool::ANY, 45),
            hidden in proptest::collection::vec(
                (0usize..45, proptest::sample::select(vec![
                    '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{00AD}',
                    '\u{200E}', '\u{2063}', '\u{E0020}',
                ])),
                0..4,
            ),
            pad in "[ \t\u{3000}]{0,2}",
        ) {
            let plain = format!("{local}@{domain}");
            let mut disguised: Vec<char> = plain
                .chars()
                .zip(widen.iter())
                .map(|(c, &w)| if w { fullwidth(c) } else { c })
                .collect();
            for (at, c) in hidden {
                disguised.insert(at.min(disguised.len()), c);
            }
            let disguised = format!("{pad}{}{pad}", disguised.into_iter().collect::<String>());
            proptest::prop_assert_eq!(normalise_email(&disguised), plain.to_lowercase());
        }

        /// Normalising is idempotent, and what comes out has no invisible or upper-case
        /// characters and no surrounding space.
        #[test]
        fn normalising_is_idempotent(
            text in "\\PC{0,30}|[\\x00-\\x7f\u{ff00}-\u{ff60}\u{2000}-\u{206f}\u{fe00}-\u{feff}]{0,30}"
        ) {
            let once = normalise_email(&text);
            proptest::prop_assert_eq!(normalise_email(&once), once.clone());
            proptest::prop_assert_eq!(once.trim(), once.as_str());
            proptest::prop_assert!(
                !once.contains(['\u{200B}', '\u{200D}', '\u{FEFF}', '\u{00AD}', '\u{2060}']),
                "{:?}", once
            );
        }
    }

    #[test]
    fn declared_driving_figures_must_be_plausible() {
        assert!(validate_declarations(Some(10), Some(0)).is_empty());
        assert_eq!(validate_declarations(Some(-1), Some(100)).len(), 2);
    }
}
