using Hitl.Policy.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Hitl.Policy.DependencyInjection;

/// <summary>Registers a <see cref="SqliteCaseStore"/> as the case store (and its trail as the audit store) of a Hitl policy's gate.</summary>
/// <example>
/// <code>
/// services.AddHitlPolicy&lt;LoanContext&gt;(configuration.GetSection("Hitl"))
///     .AddReviewGate()
///     .UseSqlite("Data Source=hitl-data/hitl.db", o => o.Keys = keys);
/// </code>
/// </example>
public static class SqliteHitlPolicyBuilderExtensions
{
    /// <summary>
    /// Uses a SQLite file as the case store: its cases and its audit trail. The store is opened when the container first
    /// needs it (registering opens nothing), its options are checked at start, and the container disposes it.
    /// </summary>
    /// <typeparam name="TContext">The host's context type.</typeparam>
    /// <param name="builder">The policy's builder.</param>
    /// <param name="connectionString">The connection string, for example <c>Data Source=hitl-data/hitl.db</c>.</param>
    /// <param name="configure">Changes the other options (keys, durability, group commit); optional.</param>
    /// <returns>The builder.</returns>
    public static HitlPolicyBuilder<TContext> UseSqlite<TContext>(
        this HitlPolicyBuilder<TContext> builder, string connectionString, Action<SqliteCaseStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return Register(builder, o => o.ConnectionString = connectionString, configure);
    }

    /// <summary>
    /// Uses a SQLite file as the case store, with options bound from configuration: <c>ConnectionString</c>,
    /// <c>Synchronous</c> (<c>Full</c> or <c>Normal</c>), <c>BusyTimeout</c> (<c>00:00:05</c> or ISO 8601 <c>PT5S</c>),
    /// <c>GroupCommit</c> and <c>MaxGroupSize</c>. A key that is not one of these, or a value that cannot be read, stops
    /// the start with an error naming the key and the value. Keys of a keyed trail are given in code
    /// (<paramref name="configure"/>), from a secret store.
    /// </summary>
    /// <typeparam name="TContext">The host's context type.</typeparam>
    /// <param name="builder">The policy's builder.</param>
    /// <param name="section">The configuration section, for example <c>Hitl:Store</c>.</param>
    /// <param name="configure">Changes the options after binding; optional.</param>
    /// <returns>The builder.</returns>
    public static HitlPolicyBuilder<TContext> UseSqlite<TContext>(
        this HitlPolicyBuilder<TContext> builder, IConfiguration section, Action<SqliteCaseStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        return Register(builder, o => SqliteConfiguration.Bind(section, o), configure);
    }

    private static HitlPolicyBuilder<TContext> Register<TContext>(
        HitlPolicyBuilder<TContext> builder, Action<SqliteCaseStoreOptions> first, Action<SqliteCaseStoreOptions>? configure)
    {
        var name = builder.OptionsName;
        var options = builder.Services.AddOptions<SqliteCaseStoreOptions>(name).Configure(first);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteCaseStoreOptions>, SqliteCaseStoreOptionsValidator>());
        return builder.AddCaseStore(sp => new SqliteCaseStore(Options.Create(sp.GetRequiredService<IOptionsMonitor<SqliteCaseStoreOptions>>().Get(name))));
    }
}

/// <summary>Checks the options of a store registered with <c>UseSqlite</c> at start, without opening the file.</summary>
internal sealed class SqliteCaseStoreOptionsValidator : IValidateOptions<SqliteCaseStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, SqliteCaseStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
