using MicroMarket.Cli;

return await MicroMarketApp.RunAsync(args);
