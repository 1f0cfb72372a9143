namespace Hitl.Policy;

/// <summary>What is wrong with a policy. One enum for every error the loader and compiler report.</summary>
public enum PolicyErrorCode
{
    /// <summary>The JSON is not well formed, or a value has the wrong JSON type.</summary>
    MalformedJson,

    /// <summary>A property that the format does not have (often a typo).</summary>
    UnknownProperty,

    /// <summary>A required value is missing.</summary>
    MissingValue,

    /// <summary>A value is out of its range or not allowed here.</summary>
    InvalidValue,

    /// <summary>A rate is outside [0, 1].</summary>
    RateOutOfRange,

    /// <summary>A band's lower bound is not below its upper bound.</summary>
    InvertedBand,

    /// <summary>Two bands overlap.</summary>
    OverlappingBands,

    /// <summary>The bands leave part of [0, 1] uncovered.</summary>
    BandGap,

    /// <summary>A higher confidence band is more restrictive than a lower one.</summary>
    NonMonotoneBands,

    /// <summary>Two rules share an id.</summary>
    DuplicateRuleId,

    /// <summary>An action type is named that the policy does not declare.</summary>
    UnknownActionType,

    /// <summary>A condition names a field that is neither a standard signal nor a registered host field.</summary>
    UnknownField,

    /// <summary>A comparison does not fit the field's type, for example a numeric comparison on a text field.</summary>
    TypeMismatch,

    /// <summary>A reviewer tier is named that the policy does not declare.</summary>
    UnknownTier,

    /// <summary>A condition would make a decision less restrictive as a signal gets riskier.</summary>
    NonMonotoneCondition,

    /// <summary>A condition has no operator, or more than one.</summary>
    InvalidCondition,

    /// <summary>A setting would let a failure auto-execute (fail open).</summary>
    FailOpen,

    /// <summary>The policy reads a signal or field for which the host registered no accessor, or registered one of another type.</summary>
    MissingAccessor,
}
