using Hitl.Policy.Cli;

return HitlApp.Run(args, CommandIo.Console);
