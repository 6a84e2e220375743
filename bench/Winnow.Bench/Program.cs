Console.WriteLine("Winnow benchmarks: see bench/README.md");
