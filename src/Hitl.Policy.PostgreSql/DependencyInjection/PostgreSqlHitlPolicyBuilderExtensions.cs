using Hitl.Policy.PostgreSql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hitl.Policy.DependencyInjection;

/// <summary>
/// Registers a <see cref="PostgreSqlCaseStore"/> as the case store (and its trail as the audit store) of a Hitl policy's
/// gate: every instance of the service that registers the same database shares one queue, one trail and one kill switch.
/// </summary>
/// <example>
/// <code>
/// services.AddHitlPolicy&lt;LoanContext&gt;(configuration.GetSection("Hitl"))
///     .AddReviewGate()
///     .UsePostgreSql(configuration.GetSection("Hitl:Store"), o => o.Keys = keys);
/// </code>
/// </example>
public static class PostgreSqlHitlPolicyBuilderExtensions
{
    /// <summary>
    /// Uses PostgreSQL as the case store, through a connection string. The store connects, and creates or migrates its
    /// schema, when the container first needs it; its options are checked at start; the container disposes it.
    /// </summary>
    /// <typeparam name="TContext">The host's context type.</typeparam>
    /// <param name="builder">The policy's builder.</param>
    /// <param name="connectionString">The connection string, for example <c>Host=db;Database=app;Username=hitl;Password=...</c>.</param>
    /// <param name="configure">Changes the other options (schema, keys, group commit); optional.</param>
    /// <returns>The builder.</returns>
    public static HitlPolicyBuilder<TContext> UsePostgreSql<TContext>(
        this HitlPolicyBuilder<TContext> builder, string connectionString, Action<PostgreSqlCaseStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return Register(builder, o => o.ConnectionString = connectionString, configure);
    }

    /// <summary>
    /// Uses PostgreSQL as the case store, with options bound from configuration: <c>ConnectionString</c>, <c>Schema</c>,
    /// <c>GroupCommit</c>, <c>MaxGroupSize</c> and <c>ListenForChanges</c>. Without a connection string, the
    /// <see cref="NpgsqlDataSource"/> registered in the container is used. A key that is not one of these, or a value that
    /// cannot be read, stops the start with an error naming the key and the value. Keys of a keyed trail are given in code
    /// (<paramref name="configure"/>), from a secret store.
    /// </summary>
    /// <typeparam name="TContext">The host's context type.</typeparam>
    /// <param name="builder">The policy's builder.</param>
    /// <param name="section">The configuration section, for example <c>Hitl:Store</c>.</param>
    /// <param name="configure">Changes the options after binding; optional.</param>
    /// <returns>The builder.</returns>
    public static HitlPolicyBuilder<TContext> UsePostgreSql<TContext>(
        this HitlPolicyBuilder<TContext> builder, IConfiguration section, Action<PostgreSqlCaseStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        return Register(builder, o => PostgreSqlConfiguration.Bind(section, o), configure);
    }

    /// <summary>
    /// Uses PostgreSQL as the case store, through the <see cref="NpgsqlDataSource"/> registered in the container (the
    /// host's own, with its pooling, credentials and logging); the store never disposes it.
    /// </summary>
    /// <typeparam name="TContext">The host's context type.</typeparam>
    /// <param name="builder">The policy's builder.</param>
    /// <param name="configure">Changes the options (schema, keys, group commit); optional.</param>
    /// <returns>The builder.</returns>
    public static HitlPolicyBuilder<TContext> UsePostgreSql<TContext>(
        this HitlPolicyBuilder<TContext> builder, Action<PostgreSqlCaseStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return Register(builder, static _ => { }, configure);
    }

    private static HitlPolicyBuilder<TContext> Register<TContext>(
        HitlPolicyBuilder<TContext> builder, Action<PostgreSqlCaseStoreOptions> first, Action<PostgreSqlCaseStoreOptions>? configure)
    {
        var name = builder.OptionsName;
        var options = builder.Services.AddOptions<PostgreSqlCaseStoreOptions>(name)
            .Configure(first)
            .Configure<IServiceProvider>((o, sp) =>
            {
                if (string.IsNullOrWhiteSpace(o.ConnectionString))
                {
                    o.DataSource ??= sp.GetService<NpgsqlDataSource>();
                }
            });
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlCaseStoreOptions>, PostgreSqlCaseStoreOptionsValidator>());
        return builder.AddCaseStore(sp => new PostgreSqlCaseStore(Options.Create(sp.GetRequiredService<IOptionsMonitor<PostgreSqlCaseStoreOptions>>().Get(name))));
    }
}

/// <summary>Checks the options of a store registered with <c>UsePostgreSql</c> at start, without connecting.</summary>
internal sealed class PostgreSqlCaseStoreOptionsValidator : IValidateOptions<PostgreSqlCaseStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgreSqlCaseStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
