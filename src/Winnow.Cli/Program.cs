using Winnow.Cli;

return WinnowCli.Run(args);
