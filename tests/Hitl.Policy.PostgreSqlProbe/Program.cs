using System.Globalization;

// A gate instance on a shared PostgreSQL schema, as its own process; the connection string comes from the environment
// variable HITL_PROBE_CONNECTION (so that no password shows in a process list).
//
// probe run SCHEMA INSTANCE INSTANCES TOTAL SEED LOGFILE PACE_MS THINK_MS
//   one instance of INSTANCES over TOTAL cases (its share: m-INSTANCE-0 ...): submits them PACE_MS apart, reviews the
//   cases of every instance (think time around THINK_MS), waits for the outcomes of its own and executes those approved
//   or auto-executed. Writes what it did to LOGFILE (appending: a restarted instance carries on). Exits 0 when every
//   case of its share has an outcome.
// probe open SCHEMA PREFIX COUNT
//   opens COUNT cases for an agent's review (PREFIX-0 ...), printing "opened ID DISPOSITION".
// probe race SCHEMA INSTANCE PREFIX COUNT
//   prints "ready", waits for "go" on standard input, then approves every case PREFIX-0 ... at once with others.
const string Usage = "usage: probe run SCHEMA INSTANCE INSTANCES TOTAL SEED LOGFILE PACE_MS THINK_MS | probe open SCHEMA PREFIX COUNT | probe race SCHEMA INSTANCE PREFIX COUNT (connection string in HITL_PROBE_CONNECTION)";
var connection = Environment.GetEnvironmentVariable("HITL_PROBE_CONNECTION");
if (string.IsNullOrWhiteSpace(connection) || args.Length < 1)
{
    Console.Error.WriteLine(Usage);
    return 2;
}

static int Number(string text) => int.Parse(text, CultureInfo.InvariantCulture);

try
{
    return args switch
    {
        ["run", var schema, var instance, var instances, var total, var seed, var log, var pace, var think] when Number(instance) < ProbeGate.MaxInstances =>
            await new InstanceRun(connection, schema, Number(instance), Number(instances), Number(total), Number(seed), log, Number(pace), Number(think)).RunAsync(),
        ["open", var schema, var prefix, var count] => await RaceRun.OpenAsync(connection, schema, prefix, Number(count)),
        ["race", var schema, var instance, var prefix, var count] => await RaceRun.RaceAsync(connection, schema, Number(instance), prefix, Number(count)),
        _ => Fail(Usage),
    };
}
catch (Exception ex)
{
    Console.Error.WriteLine("probe failed: " + ex);
    return 1;
}

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 2;
}
