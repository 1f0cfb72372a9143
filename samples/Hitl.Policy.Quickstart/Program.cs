using Hitl.Policy.Quickstart;

// The main job: a realistic stream of model outputs through the shipped policy and the review gate; see QuickstartApp.
return await QuickstartApp.RunAsync(args, Console.Out, Console.IsOutputRedirected ? null : Console.Out);
