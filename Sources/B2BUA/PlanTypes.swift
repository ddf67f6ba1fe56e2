import DialPlan

// DialPlan and SDP both declare `MediaProfile` and `Codec`, and the module `DialPlan` holds a
// type of the same name, so `DialPlan.MediaProfile` does not resolve. These aliases live in a
// file that imports DialPlan only.

/// The dial plan's per-leg media profile (operator vocabulary).
public typealias PlanMediaProfile = MediaProfile
/// The dial plan's codec names.
public typealias PlanCodec = Codec
