using TorchModel.Internal;

namespace TorchModel.Tests.Internal;

public class IdentitySetsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(1000)]
    public void ReferenceSet_AddsEachObjectOnce_ByIdentity_AcrossGrowthAndClear(int count)
    {
        var set = new ReferenceSet();
        var items = Enumerable.Range(0, count).Select(i => (object)new string('x', 3)).ToArray();
        for (int round = 0; round < 2; round++)
        {
            items.All(set.Add).ShouldBeTrue();
            items.Any(set.Add).ShouldBeFalse();
            set.Count.ShouldBe(count);
            set.Clear();
            set.Count.ShouldBe(0);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(9)]
    [InlineData(1000)]
    public void AddressSet_AddsEachAddressOnce_AcrossGrowthAndClear(int count)
    {
        var set = new AddressSet();
        // Addresses as allocators hand them out: aligned, close together, with zero among them.
        var addresses = Enumerable.Range(0, count).Select(i => (nint)(0x7f00_0000_0000L + 16L * i)).Append(0).ToArray();
        for (int round = 0; round < 2; round++)
        {
            addresses.All(set.Add).ShouldBeTrue();
            addresses.Any(set.Add).ShouldBeFalse();
            set.Count.ShouldBe(count + 1);
            set.Clear();
            set.Count.ShouldBe(0);
        }
    }
}
