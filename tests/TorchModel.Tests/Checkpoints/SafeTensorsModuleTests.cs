using TorchModel.Tests.Infrastructure;

namespace TorchModel.Tests.Checkpoints;

public class SafeTensorsModuleTests
{
    /// <summary>Mirrors gen_checkpoints.batchnorm_model().</summary>
    private static Module BatchNormModel()
        => nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3), nn.BatchNorm1d(3));

    [Fact]
    public void LoadSafeTensors_PutsPyTorchsValuesIntoTheModel()
    {
        using var model = BatchNormModel();
        model.LoadSafeTensors(CheckpointGolden.Fixture("batchnorm.safetensors"));
        using var state = model.StateDict();
        CheckpointGolden.ShouldMatch(state, "batchnorm.safetensors");
    }

    [Fact]
    public void LoadStateDictOfPyTorchCheckpoint_JustWorks()
    {
        using var model = BatchNormModel();
        using (var loaded = PyTorchCheckpoint.Load(CheckpointGolden.Fixture("batchnorm.pt")))
        {
            model.LoadStateDict(loaded);
        }
        using var state = model.StateDict();
        CheckpointGolden.ShouldMatch(state, "batchnorm.safetensors");
    }

    [Fact]
    public void SaveSafeTensors_ThenLoadSafeTensors_RoundTrips()
    {
        string path = Path.Combine(Path.GetTempPath(), "tm-module-" + Guid.NewGuid().ToString("N") + ".safetensors");
        try
        {
            using var source = BatchNormModel();
            source.LoadSafeTensors(CheckpointGolden.Fixture("batchnorm.safetensors"));
            source.SaveSafeTensors(path);
            using var target = BatchNormModel();
            target.LoadSafeTensors(path);
            using var state = target.StateDict();
            CheckpointGolden.ShouldMatch(state, "batchnorm.safetensors");
        }
        finally
        {
            File.Delete(path);
        }
    }
}

