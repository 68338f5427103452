using System.Text.RegularExpressions;
using TorchModel.Tests.Infrastructure;

namespace TorchModel.Tests.Conventions;

/// <summary>
/// Where code lives, checked on the source tree (src/TorchModel): a feature folder owns its public operations and their
/// implementation, <c>Core/</c> holds only what two or more features use, no feature reaches into another's internal
/// types, one type per file named after it, error wording only in <c>Throw.&lt;Feature&gt;.cs</c>, and tests/ mirrors src/.
/// </summary>
public partial class LayoutConventionTests
{
    private static SourceTree Tree => SourceTree.Library;

    /// <summary>The partial class whose parts hold every error message, one file per feature folder.</summary>
    private const string ThrowType = "Throw";

    /// <summary>
    /// Files that still hold more than one top-level type because another issue rewrites them concurrently (splitting
    /// them now would make that merge a conflict over the whole file). Split each after that merge and delete its line;
    /// the test fails when an entry is no longer needed, so this list only shrinks.
    /// </summary>
    private static readonly Dictionary<string, string> PendingSplits = new(StringComparer.Ordinal)
    {
        ["Optim/ParameterGroups.cs"] = "GroupParameters moves to Optim/GroupParameters.cs after issue #12 (optimizer groups) lands",
    };

    public static TheoryData<string> SourceFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Tree.Files.Where(f => f.Types.Count > 0 || f.Name != "GlobalUsings")) data.Add(file.Path);
        return data;
    }

    public static TheoryData<string> CoreTypes()
    {
        var data = new TheoryData<string>();
        foreach (var type in Tree.Files.Where(f => f.Folder == SourceTree.CoreFolder).SelectMany(f => f.Types).Select(t => t.Name).Where(n => n != ThrowType).Distinct())
            data.Add(type);
        return data;
    }

    public static TheoryData<string> Features()
    {
        var data = new TheoryData<string>();
        foreach (var feature in Tree.Features) data.Add(feature);
        return data;
    }

    [Fact]
    public void SourceTree_IsFound()
    {
        Tree.Files.Count.ShouldBeGreaterThan(50);
        Tree.Files.ShouldContain(f => f.Path == "Core/ModuleWalker.cs");
    }

    [Theory]
    [MemberData(nameof(SourceFiles))]
    public void File_DeclaresOneTopLevelType_NamedAfterIt(string path)
    {
        var file = Tree.Files.Single(f => f.Path == path);
        if (PendingSplits.ContainsKey(path))
        {
            file.Types.Count.ShouldBeGreaterThan(1, $"{path} is listed in {nameof(PendingSplits)} but is already split: delete its entry.");
            return;
        }
        file.Types.Count.ShouldBe(1, $"{path} declares {string.Join(", ", file.Types.Select(t => t.Name))}; put each type in a file named after it.");
        var type = file.Types[0];
        if (!type.IsPartial)
        {
            file.Name.ShouldBe(type.Name, $"{path} declares {type.Name}; name the file {type.Name}.cs.");
            return;
        }
        if (type.Name == ThrowType)
        {
            file.Name.ShouldBe($"{ThrowType}.{(file.Folder.Length == 0 ? "Root" : file.Folder)}", $"{path}: a part of {ThrowType} is named Throw.<Feature>.cs after its folder.");
            return;
        }
        // A part of a partial type is named after the type (StateDict.WithPrefix.cs), a feature's part of it
        // (SafeTensorsModuleExtensions.cs), or the public operation it holds (NamedModules.cs; ModuleStateDict.cs for
        // Module.StateDict(), as StateDict.cs is the type's).
        bool namedAfterType = file.Stem == type.Name || file.Name.EndsWith(type.Name, StringComparison.Ordinal);
        bool namedAfterOperation = PublicOperation().Matches(file.Code).Any(m => file.Name.EndsWith(m.Groups["name"].Value, StringComparison.Ordinal));
        (namedAfterType || namedAfterOperation).ShouldBeTrue($"{path} holds a part of {type.Name}; name it after the type or after the public operation it declares.");
    }

    [Theory]
    [MemberData(nameof(CoreTypes))]
    public void CoreType_HasTwoOrMoreFeatureUsers(string typeName)
    {
        var users = FeatureUsers(typeName);
        users.Count.ShouldBeGreaterThanOrEqualTo(2,
            $"Core/ holds only what two or more features use; {typeName} is used by [{string.Join(", ", users)}]. Move it into that feature's folder.");
    }

    [Theory]
    [MemberData(nameof(Features))]
    public void Feature_DoesNotReachIntoAnotherFeaturesInternalTypes(string feature)
    {
        var offences = new List<string>();
        foreach (var file in Tree.Files.Where(f => f.Folder.Length > 0 && f.Folder != SourceTree.CoreFolder && f.Folder != feature))
        {
            foreach (var type in file.Types.Where(t => !t.IsPublic && t.Name != ThrowType))
            {
                if (Tree.FoldersUsing(type.Name).Contains(feature)) offences.Add($"{type.Name} ({file.Path})");
            }
        }
        offences.ShouldBeEmpty($"{feature}/ uses internal types of another feature; move a type two features share into Core/.");
    }

    [Fact]
    public void Core_DoesNotDependOnAFeaturesInternalTypes()
    {
        var offences = Tree.Files.Where(f => f.Folder.Length > 0 && f.Folder != SourceTree.CoreFolder)
            .SelectMany(f => f.Types.Where(t => !t.IsPublic && t.Name != ThrowType).Select(t => (t.Name, f.Path)))
            .Where(t => Tree.FoldersUsing(t.Name).Contains(SourceTree.CoreFolder))
            .Select(t => $"{t.Name} ({t.Path})");
        offences.ShouldBeEmpty("Core/ must not depend on a feature's internal types.");
    }

    [Theory]
    [MemberData(nameof(SourceFiles))]
    public void Exceptions_AreNotBuiltFromLiteralMessages_OutsideThrowFiles(string path)
    {
        var file = Tree.Files.Single(f => f.Path == path);
        if (file.Name.StartsWith(ThrowType + ".", StringComparison.Ordinal)) return;
        var offences = LiteralExceptionMessages(file.Code).ToList();
        offences.ShouldBeEmpty($"{path} builds exceptions from literal messages; move the wording into {ThrowType}.{file.Folder}.cs.");
    }

    [Fact]
    public void LiteralMessageDetector_FindsInlineMessages_AndIgnoresNameofAndThrowCalls()
    {
        string code = SourceTree.StripCommentsAndLiterals("""
            if (a) throw new ArgumentException($"Bad {x}: {string.Join(", ", y)}.", nameof(a));
            if (b) throw new InvalidOperationException(
                "multi-line");
            ArgumentNullException.ThrowIfNull(c);
            _ = c ?? throw new ArgumentNullException(nameof(c));
            throw Throw.Pickle("that is a problem description, passed to the wording");
            """);
        LiteralExceptionMessages(code).ShouldBe(["ArgumentException", "InvalidOperationException"]);
    }

    [Fact]
    public void ThrowFiles_LiveInTheFolderOfTheFeatureTheyWordErrorsFor()
    {
        var throwFiles = Tree.Files.Where(f => f.Types.Any(t => t.Name == ThrowType)).ToList();
        throwFiles.ShouldNotBeEmpty();
        foreach (var file in throwFiles) file.Name.ShouldBe($"{ThrowType}.{file.Folder}", file.Path);
    }

    [Fact]
    public void TestFolders_MirrorSourceFolders()
    {
        string testsRoot = RepositoryPaths.Of("tests", "TorchModel.Tests");
        var testFolders = Directory.GetDirectories(testsRoot).Select(Path.GetFileName).OfType<string>()
            .Where(d => d is not ("bin" or "obj")).ToHashSet(StringComparer.Ordinal);
        var sourceFolders = Tree.Files.Select(f => f.Folder).Where(f => f.Length > 0).ToHashSet(StringComparer.Ordinal);

        // Folders of the test project itself, and tests of code outside src/TorchModel (samples/, build/NativeFix).
        var support = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Conventions"] = "rules over the whole library",
            ["Infrastructure"] = "golden readers and repository paths",
            ["Models"] = "the C# mirrors of Golden/models.py",
            ["Golden"] = "the PyTorch generator and its output",
            ["Fixtures"] = "checkpoint files written by the generator",
            ["Samples"] = RepositoryPaths.Of("samples"),
            ["NativeFix"] = RepositoryPaths.Of("build", "NativeFix"),
        };
        foreach (var (folder, mirrors) in support.Where(s => Path.IsPathRooted(s.Value))) Directory.Exists(mirrors).ShouldBeTrue($"tests/{folder} mirrors {mirrors}");

        sourceFolders.Except(testFolders).ShouldBeEmpty("every src/TorchModel folder has a tests/TorchModel.Tests folder");
        testFolders.Except(sourceFolders).Except(support.Keys).ShouldBeEmpty("every test folder mirrors a src/TorchModel folder (or is one of the support folders)");
        foreach (var folder in sourceFolders)
            Directory.GetFiles(Path.Combine(testsRoot, folder), "*Tests.cs").ShouldNotBeEmpty($"tests/TorchModel.Tests/{folder} holds tests");
    }

    [Fact]
    public void SharedTestModelsAndGoldenReaders_LiveInOnePlaceEach()
    {
        var tests = SourceTree.Load(RepositoryPaths.Of("tests", "TorchModel.Tests"));
        tests.Files.Where(f => f.Name.EndsWith("Golden", StringComparison.Ordinal) && f.Folder != "Infrastructure")
            .Select(f => f.Path).ShouldBeEmpty("golden readers live in Infrastructure/");
        // A module type declared in a test class's file is that test's own; one declared in a file of its own is shared.
        tests.Files.Where(f => f.Folder is not ("Models" or "Infrastructure") && f.Types.Count == 1 && !f.Name.EndsWith("Tests", StringComparison.Ordinal)
                && Regex.IsMatch(f.Code, @":\s*(torch\.)?nn\.Module\b|:\s*Module\b|:\s*PyTorchModule<"))
            .Select(f => f.Path).ShouldBeEmpty("shared test models live in Models/");
    }

    /// <summary>The features that use a Core type, directly or through other Core types.</summary>
    private static IReadOnlyList<string> FeatureUsers(string typeName)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { typeName };
        var pending = new Queue<string>([typeName]);
        var features = new SortedSet<string>(StringComparer.Ordinal);
        var coreTypes = Tree.Files.Where(f => f.Folder == SourceTree.CoreFolder).SelectMany(f => f.Types).Select(t => t.Name).ToHashSet();
        while (pending.Count > 0)
        {
            string current = pending.Dequeue();
            foreach (var file in Tree.Files.Where(f => f.Folder.Length > 0 && !f.Types.Any(t => t.Name == current)))
            {
                if (!Regex.IsMatch(file.Code, @"(?<![\w])" + Regex.Escape(current) + @"\b")) continue;
                if (file.Folder != SourceTree.CoreFolder) features.Add(file.Folder);
                else
                {
                    foreach (var user in file.Types.Select(t => t.Name).Where(coreTypes.Contains))
                    {
                        if (seen.Add(user)) pending.Enqueue(user);
                    }
                }
            }
        }
        return features.ToList();
    }

    /// <summary>The exception types built with a string literal among their constructor arguments.</summary>
    private static IEnumerable<string> LiteralExceptionMessages(string code)
    {
        foreach (Match m in ExceptionConstruction().Matches(code))
        {
            int depth = 1, i = m.Index + m.Length;
            int start = i;
            while (i < code.Length && depth > 0)
            {
                if (code[i] == '(') depth++;
                else if (code[i] == ')') depth--;
                i++;
            }
            if (code.AsSpan(start, i - start).Contains("\"\"", StringComparison.Ordinal)) yield return m.Groups["type"].Value;
        }
    }

    [GeneratedRegex(@"\bpublic\s+static\s+[\w<>\[\]?,.() ]+?\s(?<name>\w+)\s*(?:<[^>]*>)?\(")]
    private static partial Regex PublicOperation();

    [GeneratedRegex(@"\bnew\s+(?:[\w.]+\.)?(?<type>\w*Exception)\s*\(")]
    private static partial Regex ExceptionConstruction();
}
