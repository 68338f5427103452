using SeedTour;

// dotnet run --project samples/SeedTour [section]   (no argument: all eight sections, each under a heading)
if (args.Length == 1 && int.TryParse(args[0], out int section))
{
    Tour.Run(section, Console.Out);
    return;
}
for (int i = 0; i < Tour.SectionCount; i++)
{
    Console.WriteLine($"== section {i}");
    Tour.Run(i, Console.Out);
}
