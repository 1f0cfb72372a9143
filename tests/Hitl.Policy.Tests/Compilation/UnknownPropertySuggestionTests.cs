namespace Hitl.Policy.Tests.Compilation;

/// <summary>
/// A misspelt property is answered with the known name it is closest to at that place in the document, when it is
/// close enough to be a typo (issue 15, item 6.7); otherwise the message points to the reference as before.
/// </summary>
public class UnknownPropertySuggestionTests
{
    private static string Message(string json) =>
        Assert.Single(PolicyCompiler.Validate(PolicyJson.Parse(json)), e => e.Code == PolicyErrorCode.UnknownProperty).Message;

    [Theory]
    [InlineData("""{ "id": "p", "version": "1", "teirs": ["a"] }""", "'teirs' is not a property here; did you mean 'tiers'?")]
    [InlineData("""{ "id": "p", "version": "1", "defaults": { "confidenceBand": [] } }""", "'confidenceBand' is not a property here; did you mean 'confidenceBands'?")]
    [InlineData("""{ "id": "p", "version": "1", "defaults": { "review": { "aprovals": 2 } } }""", "'aprovals' is not a property here; did you mean 'approvals'?")]
    [InlineData("""{ "id": "p", "version": "1", "OnInvalidSignal": "review" }""", "'OnInvalidSignal' is not a property here; did you mean 'onInvalidSignal'?")]
    [InlineData("""{ "id": "p", "version": "1", "actions": { "a": { "rules": [ { "id": "r", "when": { "feild": "amount", "gt": 1 }, "then": { "route": "review" } } ] } } }""", "'feild' is not a property here; did you mean 'field'?")]
    [InlineData("""{ "id": "p", "version": "1", "fields": { "x": { "type": "number", "mn": 0 } } }""", "'mn' is not a property here; did you mean 'min'?")]
    public void A_close_misspelling_is_answered_with_the_name_it_is_closest_to_there(string json, string message)
    {
        Assert.Equal(message, Message(json));
    }

    [Theory]
    [InlineData("""{ "id": "p", "version": "1", "defaults": { "samplingRate": 0.3 } }""")]
    [InlineData("""{ "id": "p", "version": "1", "colour": "blue" }""")]
    public void A_name_close_to_none_points_to_the_reference(string json)
    {
        Assert.EndsWith("is not a property here; check its spelling against the policy JSON reference", Message(json), StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_names_of_that_place_are_offered()
    {
        // "tier" is a property of a review setting, not of the document root, where "tiers" is.
        Assert.Equal("'tierz' is not a property here; did you mean 'tier'?", Message("""{ "id": "p", "version": "1", "defaults": { "review": { "tierz": "a" } } }"""));
        Assert.Equal("'tierz' is not a property here; did you mean 'tiers'?", Message("""{ "id": "p", "version": "1", "tierz": ["a"] }"""));
    }

    [Fact]
    public void Equally_close_names_are_all_offered()
    {
        Assert.Equal(["max", "min"], NameSuggestion.Closest("mix", ["min", "max", "type"]).Order(StringComparer.Ordinal));
        Assert.Equal(["tier"], NameSuggestion.Closest("teir", ["tier", "tiers"]));
        Assert.Empty(NameSuggestion.Closest("colour", ["tiers", "fields", "actions"]));
        Assert.Equal("", NameSuggestion.Hint("zzz", ["id"]));
        Assert.Equal(" (did you mean 'tests'?)", NameSuggestion.Hint("test", ["description", "tests"]));
    }

    [Fact]
    public void A_very_long_name_is_not_compared()
    {
        Assert.Empty(NameSuggestion.Closest(new string('a', 5000), ["aaa"]));
    }
}
