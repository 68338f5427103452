using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TorchModel.Tests.Infrastructure;

namespace TorchModel.Tests.Checkpoints;

public class SafeTensorsSaveTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tm-safetensors-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly string[] FixtureFiles = ["dtypes.safetensors", "batchnorm.pt", "views.pt", "tied.pt", "simple2.pt"];

    public static TheoryData<string> Fixtures() => new(FixtureFiles);

    /// <summary>
    /// Loads a file PyTorch (or the spec-following Python writer) wrote, saves it from C#, and checks the C#-written
    /// file against PyTorch's values with a parser written here from the spec (System.Text.Json and raw bytes).
    /// </summary>
    [Theory]
    [MemberData(nameof(Fixtures))]
    public void CSharpWrittenFile_HoldsPyTorchsValuesInOrder(string fixture)
    {
        string path = SaveFromCSharp(fixture);
        ParseIndependently(path, fixture);
    }

    /// <summary>
    /// Has real PyTorch read every C#-written file (Golden/check_safetensors.py). Without /usr/bin/python3 and torch the
    /// test is reported as skipped, not passed (the files are still checked by the independent C# parser in
    /// <see cref="CSharpWrittenFile_HoldsPyTorchsValuesInOrder"/>). TORCHMODEL_SAFETENSORS_EXPORT names a folder to copy
    /// the files to (used by .ci/steps/safetensors-roundtrip.sh).
    /// </summary>
    [PythonTorchFact]
    public void PyTorch_ReadsCSharpWrittenFiles()
    {
        var args = new List<string> { Golden.PathOf("check_safetensors.py"), CheckpointGolden.ExpectedJsonPath };
        string? exportFolder = Environment.GetEnvironmentVariable("TORCHMODEL_SAFETENSORS_EXPORT");
        foreach (var fixture in FixtureFiles)
        {
            string path = SaveFromCSharp(fixture);
            ParseIndependently(path, fixture);
            if (!string.IsNullOrEmpty(exportFolder)) File.Copy(path, Path.Combine(exportFolder, fixture + ".safetensors"), overwrite: true);
            args.AddRange([path, fixture]);
        }
        PythonTorch.IsAvailable.ShouldBeTrue(PythonTorch.Missing);
        var (exitCode, output) = PythonTorch.Run([.. args]);
        exitCode.ShouldBe(0, output);
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(line => line.StartsWith("ok: ")).ShouldBe(FixtureFiles.Length, output);
    }

    private string SaveFromCSharp(string fixture)
    {
        string path = Path.Combine(_folder, Path.GetFileNameWithoutExtension(fixture) + ".safetensors");
        using var state = fixture.EndsWith(".pt") ? PyTorchCheckpoint.Load(CheckpointGolden.Fixture(fixture)) : SafeTensors.Load(CheckpointGolden.Fixture(fixture));
        SafeTensors.Save(state, path);
        return path;
    }

    [Fact]
    public void NonContiguousTensors_AreSavedInLogicalOrder()
    {
        using var baseTensor = torch.arange(12, dtype: ScalarType.Int32).reshape(3, 4);
        using var transposed = baseTensor.t();
        using var column = baseTensor[.., 1];
        string path = Path.Combine(_folder, "views.safetensors");
        SafeTensors.Save(new Dictionary<string, Tensor> { ["t"] = transposed, ["c"] = column }, path);

        using var loaded = SafeTensors.Load(path);
        loaded["t"].shape.ShouldBe([4L, 3L]);
        loaded["t"].data<int>().ToArray().ShouldBe([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
        loaded["c"].data<int>().ToArray().ShouldBe([1, 5, 9]);
    }

    [Fact]
    public void Metadata_IsWrittenWithFormatPt()
    {
        string path = Path.Combine(_folder, "meta.safetensors");
        using var w = torch.ones(2);
        SafeTensors.Save(new Dictionary<string, Tensor> { ["w"] = w }, path, new Dictionary<string, string> { ["epoch"] = "3", ["note"] = "ünïcode \"quoted\"" });
        SafeTensors.ReadMetadata(path).ShouldBe(new Dictionary<string, string> { ["format"] = "pt", ["epoch"] = "3", ["note"] = "ünïcode \"quoted\"" });
    }

    [Fact]
    public void OverwritingALargerFile_LeavesNoTrailingBytes()
    {
        string path = Path.Combine(_folder, "w.safetensors");
        File.WriteAllBytes(path, new byte[1 << 20]);
        using var w = torch.ones(3);
        SafeTensors.Save(new Dictionary<string, Tensor> { ["w"] = w }, path);

        var bytes = File.ReadAllBytes(path);
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        bytes.Length.ShouldBe(8 + (int)headerLength + 12);
        using var loaded = SafeTensors.Load(path);
        loaded["w"].data<float>().ToArray().ShouldBe([1f, 1f, 1f]);
        Directory.GetFiles(_folder).ShouldBe([path]);
    }

    [Theory]
    [InlineData("complex", "The tensor 'bad' has dtype torch.complex64, which safetensors files written by TorchModel do not support (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL).")]
    [InlineData("reserved", "The name \"__metadata__\" is reserved by the safetensors format for metadata.")]
    [InlineData("format", "The metadata \"format\" is always \"pt\" (PyTorch loaders require it), not \"np\".")]
    public void InvalidSave_ThrowsAndLeavesTheExistingFileUntouched(string scenario, string message)
    {
        string path = Path.Combine(_folder, "keep.safetensors");
        File.WriteAllText(path, "previous contents");
        using var good = torch.ones(2);
        using var complex = torch.ones(2, dtype: ScalarType.ComplexFloat32);
        var tensors = new Dictionary<string, Tensor> { ["good"] = good };
        Dictionary<string, string>? metadata = null;
        switch (scenario)
        {
            case "complex": tensors["bad"] = complex; break;
            case "reserved": tensors["__metadata__"] = good; break;
            case "format": metadata = new() { ["format"] = "np" }; break;
        }

        var ex = Should.Throw<ArgumentException>(() => SafeTensors.Save(tensors, path, metadata));
        ex.Message.ShouldStartWith(message);
        File.ReadAllText(path).ShouldBe("previous contents");
        Directory.GetFiles(_folder).ShouldBe([path]);
    }

    [Fact]
    public void NullArguments_Throw()
    {
        using var w = torch.ones(1);
        var tensors = new Dictionary<string, Tensor> { ["w"] = w };
        Should.Throw<ArgumentNullException>(() => SafeTensors.Save(null!, "x")).ParamName.ShouldBe("tensors");
        Should.Throw<ArgumentNullException>(() => SafeTensors.Save(tensors, null!)).ParamName.ShouldBe("path");
    }

    /// <summary>Reads a safetensors file with System.Text.Json and raw byte decoding (not TorchModel's reader) and compares it with the golden values.</summary>
    private static void ParseIndependently(string path, string fixture)
    {
        var bytes = File.ReadAllBytes(path);
        long n = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        (n % 8).ShouldBe(0);
        string headerText = Encoding.UTF8.GetString(bytes, 8, (int)n);
        headerText.TrimEnd(' ').Length.ShouldBeGreaterThan(0);
        using var header = JsonDocument.Parse(headerText);
        var properties = header.RootElement.EnumerateObject().ToList();
        properties[0].Name.ShouldBe("__metadata__");
        properties[0].Value.GetProperty("format").GetString().ShouldBe("pt");
        var expected = CheckpointGolden.Expected(fixture);
        properties.Skip(1).Select(p => p.Name).ShouldBe(expected.Select(e => e.GetProperty("name").GetString()!).ToArray());

        long dataStart = 8 + n, cursor = 0;
        foreach (var (p, e) in properties.Skip(1).Zip(expected))
        {
            string dtype = p.Value.GetProperty("dtype").GetString()!;
            var offsets = p.Value.GetProperty("data_offsets").Longs();
            offsets[0].ShouldBe(cursor, p.Name);
            cursor = offsets[1];
            p.Value.GetProperty("shape").Longs().ShouldBe(e.GetProperty("shape").Longs(), p.Name);
            var raw = bytes.AsSpan((int)(dataStart + offsets[0]), (int)(offsets[1] - offsets[0]));
            var values = e.GetProperty("values").EnumerateArray().ToArray();
            (dtype, e.GetProperty("dtype").GetString()).ShouldBeOneOf(
                ("F64", "float64"), ("F32", "float32"), ("F16", "float16"), ("BF16", "bfloat16"), ("I64", "int64"),
                ("I32", "int32"), ("I16", "int16"), ("I8", "int8"), ("U8", "uint8"), ("BOOL", "bool"));
            int size = raw.Length / Math.Max(1, values.Length);
            for (int i = 0; i < values.Length; i++)
            {
                var item = raw.Slice(i * size, size);
                object actual = dtype switch
                {
                    "F64" => BinaryPrimitives.ReadDoubleLittleEndian(item),
                    "F32" => (double)BinaryPrimitives.ReadSingleLittleEndian(item),
                    "F16" => (double)(float)BinaryPrimitives.ReadHalfLittleEndian(item),
                    "BF16" => (double)BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(item) << 16),
                    "I64" => BinaryPrimitives.ReadInt64LittleEndian(item),
                    "I32" => (long)BinaryPrimitives.ReadInt32LittleEndian(item),
                    "I16" => (long)BinaryPrimitives.ReadInt16LittleEndian(item),
                    "I8" => (long)(sbyte)item[0],
                    "U8" => (long)item[0],
                    _ => item[0] switch { 0 => false, 1 => true, _ => (object)"invalid bool" },
                };
                object want = dtype switch
                {
                    "F64" => values[i].GetDouble(),
                    "F32" or "F16" or "BF16" => (double)(float)values[i].GetDouble(),
                    "BOOL" => values[i].GetBoolean(),
                    _ => values[i].GetInt64(),
                };
                actual.ShouldBe(want, $"{p.Name}[{i}]");
            }
        }
        (bytes.Length - dataStart).ShouldBe(cursor);
    }
}

/// <summary>Runs Debian's /usr/bin/python3 when it has PyTorch (the C# checks do not depend on it).</summary>
