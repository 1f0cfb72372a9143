namespace Hitl.Policy;

/// <summary>x</summary>
public static class Placeholder { }
