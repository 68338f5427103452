namespace TorchModel.Internal.Checkpoints;

/// <summary>One validated entry of a zip archive: where its data lies in the file and how it is stored.</summary>
internal sealed record ZipEntryInfo(string Name, long LocalHeaderOffset, long DataOffset, long CompressedSize, long Size, bool Deflated);
