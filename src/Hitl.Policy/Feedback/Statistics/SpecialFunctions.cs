namespace Hitl.Policy.Feedback;

/// <summary>The few special functions the interval and trend computations need, written out so that no numerics package is required.</summary>
internal static class SpecialFunctions
{
    private const double Tiny = 1e-300;
    private const double Epsilon = 1e-15;

    // Coefficients of Acklam's rational approximation to the normal quantile (relative error below 1.2e-9).
    private static readonly double[] A = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
    private static readonly double[] B = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
    private static readonly double[] C = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
    private static readonly double[] D = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];

    // Lanczos approximation (g = 7, nine terms) to the log gamma function.
    private static readonly double[] Lanczos = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

    // ln n! for n below 257, summed exactly enough (each term a correctly rounded logarithm) for Fisher's exact test.
    private static readonly double[] LogFactorials = BuildLogFactorials(257);

    /// <summary>The standard normal quantile: the z with P(Z ≤ z) = p.</summary>
    public static double NormalQuantile(double p)
    {
        if (!(p > 0 && p < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "a probability in (0, 1) is required");
        }

        const double low = 0.02425;
        if (p < low)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            return (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
        }

        if (p > 1 - low)
        {
            return -NormalQuantile(1 - p);
        }

        var r = p - 0.5;
        var s = r * r;
        return (((((A[0] * s + A[1]) * s + A[2]) * s + A[3]) * s + A[4]) * s + A[5]) * r / (((((B[0] * s + B[1]) * s + B[2]) * s + B[3]) * s + B[4]) * s + 1);
    }

    /// <summary>ln Γ(x) for x &gt; 0.</summary>
    public static double LogGamma(double x)
    {
        if (x < 0.5)
        {
            // Reflection keeps the approximation in its accurate range.
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        var sum = Lanczos[0];
        for (var i = 1; i < Lanczos.Length; i++)
        {
            sum += Lanczos[i] / (x + i);
        }

        var t = x + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }

    /// <summary>ln n! for n ≥ 0: exact sums of logarithms up to 256, ln Γ(n + 1) beyond.</summary>
    public static double LogFactorial(int n)
    {
        if (n < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "n must be at least 0");
        }

        return n < LogFactorials.Length ? LogFactorials[n] : LogGamma(n + 1.0);
    }

    /// <summary>The standard normal CDF: P(Z ≤ z).</summary>
    public static double NormalCdf(double z) => 0.5 * Erfc(-z / Math.Sqrt(2));

    /// <summary>
    /// The complementary error function erfc(x) = 1 − erf(x), accurate to about 1e-14 relative, also far in the upper
    /// tail (where 1 − erf(x) would lose every digit): erfc(x) = Q(1/2, x²) for x ≥ 0, the regularized upper incomplete
    /// gamma function, by its power series below x² = 1.5 and by its continued fraction above.
    /// </summary>
    public static double Erfc(double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }

        if (x < 0)
        {
            return 2 - Erfc(-x);
        }

        var t = x * x;
        if (t > 750)
        {
            return 0; // below the smallest double
        }

        if (t < 1.5)
        {
            // P(1/2, t) = t^(1/2) e^(-t) / Γ(3/2) · Σ t^k / ((3/2)(5/2)…(1/2 + k)).
            double term = 1, sum = 1;
            for (var k = 1; k < 500; k++)
            {
                term *= t / (0.5 + k);
                sum += term;
                if (term < sum * 1e-17)
                {
                    break;
                }
            }

            return 1 - (2 / Math.Sqrt(Math.PI) * x * Math.Exp(-t) * sum);
        }

        // Q(1/2, t) = e^(-t) t^(1/2) / Γ(1/2) · 1 / (t + 1/2 − (1·1/2) / (t + 5/2 − (2·3/2) / (t + 9/2 − …))), by modified Lentz.
        var b = t + 0.5;
        var c = 1 / Tiny;
        var d = 1 / b;
        var h = d;
        for (var i = 1; i <= 10_000; i++)
        {
            var an = -i * (i - 0.5);
            b += 2;
            d = (an * d) + b;
            d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
            c = b + (an / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            var step = d * c;
            h *= step;
            if (Math.Abs(step - 1) < Epsilon)
            {
                break;
            }
        }

        return x * Math.Exp(-t) / Math.Sqrt(Math.PI) * h;
    }

    /// <summary>The regularized incomplete beta function I_x(a, b): the CDF of Beta(a, b) at x.</summary>
    public static double RegularizedBeta(double x, double a, double b)
    {
        if (x <= 0)
        {
            return 0;
        }

        if (x >= 1)
        {
            return 1;
        }

        var logFront = (a * Math.Log(x)) + (b * Math.Log(1 - x)) - (LogGamma(a) + LogGamma(b) - LogGamma(a + b));
        return x < (a + 1) / (a + b + 2)
            ? Math.Exp(logFront) * BetaFraction(x, a, b) / a
            : 1 - (Math.Exp(logFront) * BetaFraction(1 - x, b, a) / b);
    }

    /// <summary>The x with I_x(a, b) = p, by bisection (the function is increasing in x).</summary>
    public static double InverseRegularizedBeta(double p, double a, double b)
    {
        double low = 0, high = 1;
        for (var i = 0; i < 200 && high - low > 1e-15; i++)
        {
            var middle = 0.5 * (low + high);
            if (RegularizedBeta(middle, a, b) < p)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        return 0.5 * (low + high);
    }

    /// <summary>The continued fraction of the incomplete beta function, by the modified Lentz method.</summary>
    private static double BetaFraction(double x, double a, double b)
    {
        var sum = a + b;
        var above = a + 1;
        var below = a - 1;
        var c = 1.0;
        var d = 1 - (sum * x / above);
        d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
        var h = d;
        for (var m = 1; m <= 100_000; m++)
        {
            var m2 = 2 * m;
            var term = m * (b - m) * x / ((below + m2) * (a + m2));
            d = 1 + (term * d);
            d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
            c = 1 + (term / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            h *= d * c;
            term = -(a + m) * (sum + m) * x / ((a + m2) * (above + m2));
            d = 1 + (term * d);
            d = 1 / (Math.Abs(d) < Tiny ? Tiny : d);
            c = 1 + (term / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            var step = d * c;
            h *= step;
            if (Math.Abs(step - 1) < Epsilon)
            {
                break;
            }
        }

        return h;
    }

    private static double[] BuildLogFactorials(int count)
    {
        var table = new double[count];
        for (var i = 2; i < count; i++)
        {
            table[i] = table[i - 1] + Math.Log(i);
        }

        return table;
    }
}
