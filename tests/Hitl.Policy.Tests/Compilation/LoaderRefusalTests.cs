using System.Text;

namespace Hitl.Policy.Tests.Compilation;

/// <summary>
/// Issue 10 item 6: whatever the bytes, the loader and the validator either accept a policy or refuse it with a
/// <see cref="PolicyValidationException"/> naming path, value and line; enum values are names only; numbers are finite.
/// </summary>
public class LoaderRefusalTests
{
    private const string Valid = """
        { "id": "p", "version": "1",
          "fields": { "f": { "type": "number", "min": 0, "max": 10 } },
          "defaults": { "route": "auto-execute",
            "rules": [ { "id": "r", "when": { "field": "f", "gt": 5 }, "then": { "route": "review" } } ] } }
        """;

    private static PolicyError Refused(string json) => Refused(Encoding.UTF8.GetBytes(json));

    private static PolicyError Refused(byte[] utf8)
    {
        IReadOnlyList<PolicyError> errors;
        try
        {
            var definition = PolicyJson.Parse(utf8);
            errors = PolicyCompiler.Validate(definition);
        }
        catch (PolicyValidationException ex)
        {
            errors = ex.Errors;
        }

        Assert.NotEmpty(errors);
        return errors[0];
    }

    [Fact]
    public void The_valid_policy_loads() => Assert.Empty(PolicyCompiler.Validate(PolicyJson.Parse(Valid)));

    [Fact]
    public void Invalid_utf8_in_a_property_name_is_a_validation_error_with_its_line()
    {
        var bytes = Encoding.UTF8.GetBytes(Valid.Replace("\"route\": \"auto-execute\"", "\"r\u00e9ute\": \"auto-execute\"", StringComparison.Ordinal));
        var at = Array.IndexOf(bytes, (byte)0xC3);
        bytes[at] = 0xFF;

        var error = Refused(bytes);

        Assert.Equal(PolicyErrorCode.MalformedJson, error.Code);
        Assert.Equal(3, error.Line);
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_in_a_string_value_and_a_lone_surrogate_escape_are_refused()
    {
        var bytes = Encoding.UTF8.GetBytes(Valid.Replace("\"id\": \"p\"", "\"id\": \"p\u00e9\"", StringComparison.Ordinal));
        bytes[Array.IndexOf(bytes, (byte)0xC3)] = 0xC0;
        Assert.Equal("$.id", Refused(bytes).Path);
        Assert.Equal("$.id", Refused(Valid.Replace("\"id\": \"p\"", "\"id\": \"\\ud800\"", StringComparison.Ordinal)).Path);
    }

    [Theory]
    [InlineData("7", "7")]
    [InlineData("\"reversibility\"", "\"reversibility\"")]
    public void A_field_type_that_a_host_field_cannot_have_is_refused_with_path_and_value(string type, string shown)
    {
        var error = Refused(Valid.Replace("\"type\": \"number\"", "\"type\": " + type, StringComparison.Ordinal));

        Assert.Equal("$.fields.f.type", error.Path);
        Assert.Equal(shown, error.Value);
        Assert.Equal(2, error.Line);
        Assert.Contains(shown.Trim('"'), (error.Value ?? "") + error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("\"0\"")]
    [InlineData("\"2\"")]
    [InlineData("\" 0\"")]
    [InlineData("\"-1\"")]
    [InlineData("true")]
    public void A_route_is_a_name_never_a_number_or_a_digit_string(string route)
    {
        var error = Refused(Valid.Replace("\"route\": \"auto-execute\"", "\"route\": " + route, StringComparison.Ordinal));

        Assert.Equal(PolicyErrorCode.MalformedJson, error.Code);
        Assert.Equal("$.defaults.route", error.Path);
        Assert.Equal(route, error.Value);
        Assert.Equal(3, error.Line);
    }

    [Theory]
    [InlineData("\"type\": \"number\"", "\"type\": \"0\"")]
    [InlineData("\"route\": \"review\" }", "\"route\": 2 }")]
    [InlineData("\"route\": \"auto-execute\"", "\"route\": \"auto-execute\", \"sampling\": { \"rate\": 0.1, \"mode\": 1 }")]
    public void Every_enum_of_the_format_refuses_numbers(string from, string to) =>
        Assert.Equal(PolicyErrorCode.MalformedJson, Refused(Valid.Replace(from, to, StringComparison.Ordinal)).Code);

    [Theory]
    [InlineData("\"max\": 10", "\"max\": 1e309", "$.fields.f.max")]
    [InlineData("\"min\": 0", "\"min\": -1e309", "$.fields.f.min")]
    [InlineData("\"gt\": 5", "\"gt\": 1e400", "$.defaults.rules[0].when.gt")]
    public void A_number_that_is_not_finite_is_refused_at_load_with_path_value_and_line(string from, string to, string path)
    {
        var error = Refused(Valid.Replace(from, to, StringComparison.Ordinal));

        Assert.Equal(path, error.Path);
        Assert.Contains("finite", error.Message, StringComparison.Ordinal);
        Assert.Equal(to[(to.IndexOf(':', StringComparison.Ordinal) + 2)..], error.Value);
        Assert.NotNull(error.Line);
    }

    [Fact]
    public void A_builder_made_field_bound_that_is_not_finite_is_refused_by_the_compiler()
    {
        var definition = new Definition.PolicyBuilder("p", "1").NumberField("f", 0, double.PositiveInfinity).Build();

        var error = Assert.Single(PolicyCompiler.Validate(definition));

        Assert.Equal("$.fields.f.max", error.Path);
        Assert.Equal("Infinity", error.Value);
    }

    [Fact]
    public void Nesting_deeper_than_the_reader_allows_is_a_validation_error()
    {
        var deep = new string('[', 200) + new string(']', 200);
        Assert.Equal(PolicyErrorCode.MalformedJson, Refused(Valid.Replace("\"version\": \"1\"", "\"version\": \"1\", \"x\": " + deep, StringComparison.Ordinal)).Code);
    }
}
