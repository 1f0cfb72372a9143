namespace Hitl.Policy.Evaluation;

internal enum CompareOp : byte
{
    Eq,
    Ne,
    Gt,
    Gte,
    Lt,
    Lte,
}

internal static class CompareOps
{
    public static bool Apply(CompareOp op, double value, double constant) => op switch
    {
        CompareOp.Eq => value == constant,
        CompareOp.Ne => value != constant,
        CompareOp.Gt => value > constant,
        CompareOp.Gte => value >= constant,
        CompareOp.Lt => value < constant,
        _ => value <= constant,
    };

    public static string Symbol(CompareOp op) => op switch
    {
        CompareOp.Eq => "==",
        CompareOp.Ne => "!=",
        CompareOp.Gt => ">",
        CompareOp.Gte => ">=",
        CompareOp.Lt => "<",
        _ => "<=",
    };
}
