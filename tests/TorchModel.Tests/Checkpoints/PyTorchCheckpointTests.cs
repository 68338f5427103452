using TorchModel.Tests.Infrastructure;

namespace TorchModel.Tests.Checkpoints;

public class PyTorchCheckpointTests
{
    [Theory]
    [InlineData("simple2.pt")]
    [InlineData("simple2_v2layout.pt")]
    [InlineData("batchnorm.pt")]
    [InlineData("dtypes.pt")]
    [InlineData("views.pt")]
    [InlineData("tied.pt")]
    [InlineData("protocol4.pt")]
    public void TorchSaveStateDict_LoadsEveryValueInOrder(string file)
    {
        using var state = PyTorchCheckpoint.Load(CheckpointGolden.Fixture(file));
        CheckpointGolden.ShouldMatch(state, file);
    }

    [Fact]
    public void SharedStorage_IsOneStorageAgain()
    {
        using var state = PyTorchCheckpoint.Load(CheckpointGolden.Fixture("views.pt"));
        state["base"][1, 2] = torch.tensor(100f);
        state["transposed"][2, 1].item<float>().ShouldBe(100f);
        state["row"][2].item<float>().ShouldBe(100f);
        state["column"][1].item<float>().ShouldBe(100f);
        state["transposed"].is_contiguous().ShouldBeFalse();
    }

    [Fact]
    public void TiedWeights_ShareOneStorage()
    {
        using var state = PyTorchCheckpoint.Load(CheckpointGolden.Fixture("tied.pt"));
        state["embed.weight"].storage<float>().data_ptr().ShouldBe(state["head.weight"].storage<float>().data_ptr());
    }

    [Theory]
    [InlineData("evil_os_system.pt", "'os.system'")]
    [InlineData("evil_builtins_eval.pt", "'builtins.eval'")]
    [InlineData("evil_nested.pt", "'posix.system'")]
    [InlineData("whole_module.pt", "'torch.nn.modules.linear.Linear'")]
    public void ForbiddenGlobal_IsRefusedByName(string file, string global)
    {
        var ex = Should.Throw<CheckpointFormatException>(() => PyTorchCheckpoint.Load(CheckpointGolden.Fixture(file)));
        ex.Message.ShouldStartWith($"Refusing to load the torch.save checkpoint: it refers to the Python global {global} (at ");
        ex.Message.ShouldContain("which a weights-only load does not allow");
    }

    [Theory]
    [InlineData("legacy_format.pt", "the file is not a zip archive")]
    [InlineData("missing_storage.pt", "the archive lacks archive/data/0, the storage of the tensor at ['embed.weight']")]
    [InlineData("dtypes.safetensors", "the file is not a zip archive")]
    public void UnreadableArchive_GetsSpecificError(string file, string problem)
    {
        var ex = Should.Throw<CheckpointFormatException>(() => PyTorchCheckpoint.Load(CheckpointGolden.Fixture(file)));
        ex.Message.ShouldStartWith("Invalid torch.save checkpoint: " + problem);
    }

    [Fact]
    public void MissingFile_ThrowsFileNotFound()
        => Should.Throw<FileNotFoundException>(() => PyTorchCheckpoint.Load(Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid() + ".pt")));

    [Fact]
    public void NullPath_Throws()
        => Should.Throw<ArgumentNullException>(() => PyTorchCheckpoint.Load(null!)).ParamName.ShouldBe("path");
}
