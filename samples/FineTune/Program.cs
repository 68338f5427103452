// Fine-tune a model's head with TorchModel: summary, freeze by pattern, AdamW groups by name, a short training loop.
// Usage: dotnet run --project samples/FineTune -- [--epochs N] [--out PATH]
using System.Globalization;
using TorchModel;
using TorchSharp;
using static TorchSharp.torch;

int epochs = 6;
string output = Path.Combine(Path.GetTempPath(), "finetune-model.safetensors");
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--epochs" when i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n > 0: epochs = n; i++; break;
        case "--out" when i + 1 < args.Length: output = args[++i]; break;
        default:
            Console.Error.WriteLine($"Unknown or invalid argument '{args[i]}'. Usage: FineTune [--epochs N>0] [--out PATH]");
            return 2;
    }
}

torch.manual_seed(0);
// CUDA when libtorch has it (a CUDA backend package, or a CUDA libtorch on LD_LIBRARY_PATH), else the CPU.
bool cuda = torch.cuda.is_available();
var device = cuda ? torch.CUDA : torch.CPU;
Console.WriteLine(cuda
    ? $"device: cuda (cuda:0 of {torch.cuda.device_count()} CUDA device(s))"
    : "device: cpu (torch.cuda.is_available() is false)");

// A small CNN: a "pretrained" backbone (random here) and a fresh 4-class head. Move it first, then build groups.
using var model = nn.Sequential(
    ("backbone", nn.Sequential(
        ("0", nn.Conv2d(1, 8, 3, padding: 1)), ("1", nn.BatchNorm2d(8)), ("2", nn.ReLU()), ("3", nn.MaxPool2d(2)),
        ("4", nn.Conv2d(8, 16, 3, padding: 1)), ("5", nn.BatchNorm2d(16)), ("6", nn.ReLU()),
        ("7", nn.AdaptiveAvgPool2d(2)), ("8", nn.Flatten()))),
    ("head", nn.Linear(64, 4)));
model.to(device);

Console.WriteLine(model.Repr());
Console.WriteLine(model.Summary([1, 1, 16, 16]));

// Freeze the backbone by pattern; keep its BatchNorm statistics fixed too (eval mode).
model.Freeze("backbone.**");
var counts = model.CountParameters();
Console.WriteLine($"trainable params: {counts.Trainable:N0} of {counts.Total:N0}");

// AdamW groups: weight decay for the head's weight, none for its bias (1-D).
var groups = model.GroupParameters(ParameterGroupOptions.Default with { WeightDecay = 0.01 });
foreach (var g in groups.Groups)
    Console.WriteLine($"group: weight_decay={g.WeightDecay.ToString(CultureInfo.InvariantCulture)} params={string.Join(", ", g.Parameters.Select(p => p.Name))}");
using var optimizer = torch.optim.AdamW(groups.ForAdamW(), lr: 0.01);

// A synthetic but learnable task: which quadrant of a noisy 16x16 image holds a bright 6x6 square.
using var squares = torch.zeros(4, 1, 16, 16); // one mask per class: a 6x6 square in that quadrant
for (int q = 0; q < 4; q++)
    squares[q, 0, TensorIndex.Slice(q / 2 * 8 + 1, q / 2 * 8 + 7), TensorIndex.Slice(q % 2 * 8 + 1, q % 2 * 8 + 7)] = 0.8f;
(Tensor X, Tensor Y) MakeData(int count, Generator generator)
{
    var y = torch.randint(0, 4, [count], generator: generator);
    var x = torch.randn([count, 1, 16, 16], generator: generator) + squares.index_select(0, y);
    return (x.to(device), y.to(device));
}
var generator = new Generator(0);
var (trainX, trainY) = MakeData(2048, generator);
var (testX, testY) = MakeData(512, generator);

var lossFunction = nn.CrossEntropyLoss();
const int batch = 64;
double accuracy = 0;
for (int epoch = 1; epoch <= epochs; epoch++)
{
    model.train();
    model.GetSubmodule("backbone").eval();
    double lossSum = 0;
    int batches = 0;
    var order = torch.randperm(trainX.shape[0], generator: generator).to(device);
    for (long start = 0; start < trainX.shape[0]; start += batch)
    {
        using var scope = torch.NewDisposeScope();
        var index = order.slice(0, start, Math.Min(start + batch, trainX.shape[0]), 1);
        optimizer.zero_grad();
        var loss = lossFunction.call(model.call(trainX.index_select(0, index)), trainY.index_select(0, index));
        loss.backward();
        optimizer.step();
        lossSum += loss.item<float>();
        batches++;
    }
    model.eval();
    using (torch.no_grad())
    {
        using var predicted = model.call(testX).argmax(1);
        accuracy = predicted.eq(testY).to(ScalarType.Float32).mean().item<float>();
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}/{epochs}  loss {lossSum / batches:F4}  accuracy {accuracy * 100:F1}%"));
}

model.SaveSafeTensors(output);
Console.WriteLine($"saved: {output}");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"final accuracy: {accuracy * 100:F1}%"));
return 0;
