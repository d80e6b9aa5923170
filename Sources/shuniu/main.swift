import ShuniuCLI

await ShuniuCommand.runFromCommandLine()
